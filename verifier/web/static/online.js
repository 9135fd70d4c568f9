// Waits for the holder's answer (long-poll) and then opens the result by itself.
(function () {
  "use strict";
  var status = document.getElementById("status");
  var form = document.getElementById("result-form");
  if (!status || !form) return;
  var url = status.getAttribute("data-progress-url");
  function say(kind) { status.textContent = status.getAttribute("data-text-" + kind); }
  countdown();
  function poll() {
    fetch(url + "?wait=15", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok && r.status !== 200) throw new Error(String(r.status)); return r.json(); })
      .then(function (body) {
        if (body.progress === "pending") { say("pending"); poll(); return; }
        say(body.progress === "answered" ? "answered" : body.progress === "declined" ? "declined" : "expired");
        form.submit();  // the result (or why there is none) is shown once, as a POST with the CSRF token
      })
      .catch(function () { say("offline"); setTimeout(poll, 3000); });
  }
  function countdown() {
    var node = document.querySelector("[data-countdown]");
    if (!node) return;
    var left = parseInt(node.getAttribute("data-countdown"), 10);
    var format = node.getAttribute("data-format") || "{minutes} min {seconds} s";
    var timer = setInterval(function () {
      left = Math.max(0, left - 1);
      // the units come translated from the page ("{minutes} min {seconds} s" in the officer's language)
      node.textContent = format.replace("{minutes}", String(Math.floor(left / 60))).replace("{seconds}", String(left % 60));
      if (left === 0) clearInterval(timer);
    }, 1000);
  }
  poll();
})();

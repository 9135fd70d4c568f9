// Progressive enhancement only: every page works without this file.
// - [data-countdown-until]: counts an offer's time left down (mm:ss) every second.
// - [data-poll-url]: fetches the delivery progress every few seconds and swaps it in place
//   (inside an aria-live region, so screen readers hear each change), until it is final.
// - [data-autofocus]: moves focus to an error summary or confirmation, as GOV.UK pages do.
"use strict";
(function () {
  function countdown(el) {
    var until = Number(el.getAttribute("data-countdown-until")) * 1000;
    var value = el.querySelector("[data-countdown-value]");
    function tick() {
      var left = Math.max(0, Math.floor((until - Date.now()) / 1000));
      value.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) {
        el.setAttribute("data-expired", "");
        value.textContent = el.getAttribute("data-expired-text");
        return;
      }
      setTimeout(tick, 1000 - (Date.now() % 1000));
    }
    tick();
  }

  function poll(region) {
    var every = Number(region.getAttribute("data-poll-every") || "2") * 1000;
    function next() {
      var current = region.querySelector("[data-poll-url]");
      if (!current) return;
      fetch(current.getAttribute("data-poll-url"), { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (response.redirected || !response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          var incoming = new DOMParser().parseFromString(html, "text/html").getElementById("progress");
          var shown = region.querySelector("#progress");
          if (incoming && shown && incoming.outerHTML !== shown.outerHTML) shown.replaceWith(document.importNode(incoming, true));
          if (incoming && !incoming.hasAttribute("data-poll-url")) {
            // final (delivered, expired, locked): the expiry no longer matters
            document.querySelectorAll(".expiry").forEach(function (e) { e.hidden = true; });
            return;
          }
          setTimeout(next, every);
        })
        .catch(function () { setTimeout(next, every * 3); });  // network blip or signed out: slow down
    }
    setTimeout(next, every);
  }

  document.querySelectorAll("[data-countdown-until]").forEach(countdown);
  document.querySelectorAll("[data-poll-every]").forEach(poll);
  var focus = document.querySelector("[data-autofocus]");
  if (focus) focus.focus();
})();

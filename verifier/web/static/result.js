// The result leaves the screen after the result's time to live: nothing of the person stays shown.
(function () {
  "use strict";
  var verdict = document.querySelector("[data-clear-after]");
  if (!verdict) return;
  var seconds = parseInt(verdict.getAttribute("data-clear-after"), 10);
  setTimeout(function () {
    var body = document.getElementById("result-body");
    if (body) body.remove();
    verdict.remove();
    var cleared = document.getElementById("cleared");
    if (cleared) { cleared.hidden = false; }
  }, seconds * 1000);
  window.addEventListener("pagehide", function () {
    var body = document.getElementById("result-body");
    if (body) body.remove();
  });
})();

// Offline check: reads the holder's QR frames with the camera (jsQR), reports progress, and sends the
// frames for the check once they make a whole presentation. The frames stay in this page until then.
(function () {
  "use strict";
  var status = document.getElementById("scan-status");
  var framesField = document.getElementById("frames");
  var form = document.getElementById("verify-form");
  var bar = document.getElementById("scan-progress");
  var startButton = document.getElementById("camera-start");
  var box = document.querySelector("[data-camera]");
  var video = document.getElementById("camera-view");
  var canvas = document.getElementById("camera-frame");
  var token = document.querySelector('meta[name="csrf-token"]');
  if (!status || !form || !video || !canvas || typeof jsQR !== "function") return;
  var frames = [];
  try { frames = JSON.parse(framesField.value) || []; } catch (e) { frames = []; }
  var seen = {};
  frames.forEach(function (f) { seen[f] = true; });
  var done = false;
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function text(kind, values) {
    var t = status.getAttribute("data-text-" + kind) || "";
    Object.keys(values || {}).forEach(function (k) { t = t.replace("{" + k + "}", values[k]); });
    return t;
  }

  function report() {
    return fetch(status.getAttribute("data-progress-url"), {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token ? token.content : "" },
      body: JSON.stringify({ frames: frames })
    }).then(function (r) { return r.json(); }).then(function (p) {
      // codes that are no part of this presentation (another holder's, the challenge) are dropped
      (p.refused || []).forEach(function (t) {
        var at = frames.indexOf(t);
        if (at >= 0) frames.splice(at, 1);
      });
      if (p.complete) {
        done = true;
        status.textContent = text("complete");
        framesField.value = JSON.stringify(frames);
        stop();
        form.submit();
        return;
      }
      bar.hidden = false;
      if (p.total) {
        bar.max = p.total; bar.value = p.received;
        status.textContent = text("progress", { received: p.received, total: p.total });
      } else {
        bar.removeAttribute("value");
        status.textContent = text("progress-open", { received: p.received });
      }
      if (p.message) status.textContent += " " + p.message;
    });
  }

  function tick() {
    if (done) return;
    if (video.readyState >= 2 && video.videoWidth) {
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data && !seen[code.data]) {
        seen[code.data] = true;
        frames.push(code.data);
        report().catch(function () {});
      }
    }
    setTimeout(tick, 120);
  }

  var stream = null;
  function stop() { if (stream) stream.getTracks().forEach(function (t) { t.stop(); }); }

  function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.textContent = text("nocamera");
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        box.hidden = false;
        if (startButton) startButton.hidden = true;
        video.srcObject = s;
        return video.play();
      })
      .then(function () { status.textContent = text("idle"); tick(); })
      .catch(function () {
        status.textContent = text("nocamera");
        if (startButton) startButton.hidden = false;
      });
  }
  // the camera starts when the officer asks (once the holder's codes are on their screen)
  if (startButton) { startButton.hidden = false; startButton.addEventListener("click", start); }
  window.addEventListener("pagehide", stop);
})();

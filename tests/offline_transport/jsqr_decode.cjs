// Decodes QR codes with jsQR (the decoder a browser page would use), independently of zxing-cpp.
// Reads JSON from stdin: [{"path": raw RGBA file, "width": w, "height": h}, ...]
// Writes JSON to stdout: the decoded text of each image, or null where jsQR found no code.
"use strict";
const fs = require("fs");
const jsQR = require("jsqr");

const images = JSON.parse(fs.readFileSync(0, "utf8"));
const texts = images.map(({ path, width, height }) => {
  const pixels = new Uint8ClampedArray(fs.readFileSync(path));
  const found = jsQR(pixels, width, height, { inversionAttempts: "dontInvert" });
  return found ? found.data : null;
});
process.stdout.write(JSON.stringify(texts));

#!/usr/bin/env node
// A solc stand-in for forge, backed by the pinned npm solcjs, so forge never downloads a compiler.
// Answers `--version` like native solc and compiles `--standard-json` from stdin; other flags
// forge passes (--allow-paths, --base-path, --include-path) are accepted and ignored because the
// standard JSON input already carries every source's content.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require(path.join(__dirname, "..", "..", "node_modules", "solc"));

const args = process.argv.slice(2);
if (args.includes("--version")) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes("--standard-json")) {
  process.stderr.write("solc shim: only --version and --standard-json are supported\n");
  process.exit(2);
}
const input = fs.readFileSync(0, "utf8");
const roots = [process.cwd(), path.join(__dirname, "..", "..")];
function findImports(importPath) {
  for (const root of roots) {
    for (const candidate of [path.join(root, importPath), path.join(root, "node_modules", importPath)]) {
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
    }
  }
  return { error: `File not found: ${importPath}` };
}
process.stdout.write(solc.compile(input, { import: findImports }));

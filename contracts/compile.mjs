#!/usr/bin/env node
// Compiles contracts/src with the pinned npm solc and writes contracts/build/<Name>.json
// (ABI, creation and runtime bytecode, immutable references, compiler, source hash).
// `--check` compares a fresh compile with the committed artifacts and exits 1 when they differ.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const solc = require(join(root, "node_modules", "solc"));
const CONTRACTS = ["IssuerRegistry", "CredentialRegistry"];
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "paris", // no PUSH0, MCOPY or transient storage: runs on pre-Shanghai chains and L2s too
  outputSelection: {
    "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.deployedBytecode.immutableReferences"] },
  },
};

function solidityFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return solidityFiles(path);
    return name.endsWith(".sol") ? [path] : [];
  });
}

const srcDir = join(here, "src");
const files = solidityFiles(srcDir).map((p) => relative(srcDir, p).split("\\").join("/")).sort();
const sourceHash = createHash("sha256");
const sources = {};
for (const file of files) {
  const content = readFileSync(join(srcDir, file), "utf8");
  sources[file] = { content };
  sourceHash.update(file).update("\0").update(content).update("\0");
}
const output = JSON.parse(solc.compile(JSON.stringify({ language: "Solidity", sources, settings: SETTINGS })));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}

function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted(value[k])]));
  }
  return value;
}

const check = process.argv.includes("--check");
const buildDir = join(here, "build");
mkdirSync(buildDir, { recursive: true });
let stale = [];
for (const name of CONTRACTS) {
  const file = files.find((f) => output.contracts[f] && output.contracts[f][name]);
  const c = output.contracts[file][name];
  const artifact = sorted({
    contractName: name,
    sourceFile: `contracts/src/${file}`,
    abi: c.abi,
    bytecode: "0x" + c.evm.bytecode.object,
    deployedBytecode: "0x" + c.evm.deployedBytecode.object,
    immutableReferences: c.evm.deployedBytecode.immutableReferences || {},
    compiler: { version: solc.version(), settings: { optimizer: SETTINGS.optimizer, evmVersion: SETTINGS.evmVersion } },
    sourceHash: sourceHash.copy().digest("hex"),
  });
  const text = JSON.stringify(artifact, null, 2) + "\n";
  const target = join(buildDir, `${name}.json`);
  if (check) {
    let current = "";
    try { current = readFileSync(target, "utf8"); } catch { /* missing counts as stale */ }
    if (current !== text) stale.push(target);
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${relative(root, target)}`);
  }
}
if (stale.length) {
  console.error(`contracts/build is stale (${stale.map((s) => relative(root, s)).join(", ")}): run \`make contracts\``);
  process.exit(1);
}
if (check) console.log("contracts/build matches contracts/src");

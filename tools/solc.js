#!/usr/bin/env node
// The native `solc` command line, over the official WebAssembly compiler from npm.
//
// py-solc-x and brownie drive a native solc binary; none can be installed here, so
// this adapter answers the subset of the command line they use:
//
//   solc --version                       "Version: X.Y.Z+commit.HASH..." like native solc
//   solc --standard-json [--allow-paths P] [--base-path P] [--include-path P] < input.json
//
// Imports are read from disk (base path, include paths, then the working directory).
// Only the JSON is printed, and the process exits only after stdout has drained, so
// outputs larger than a pipe's 64 KiB buffer arrive whole.
"use strict";

const fs = require("fs");
const path = require("path");
const solc = require("solc");

function parseArgs(argv) {
  const opts = { standardJson: false, version: false, basePath: null, includePaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, null];
    const value = () => (inline !== null ? inline : argv[++i]);
    switch (flag) {
      case "--version":
        opts.version = true;
        break;
      case "--standard-json":
        opts.standardJson = true;
        break;
      case "--base-path":
        opts.basePath = value();
        break;
      case "--include-path":
        opts.includePaths.push(value());
        break;
      case "--allow-paths":
        value(); // accepted for compatibility; reads are confined to the roots below
        break;
      case "-":
        break;
      default:
        throw new Error(`unrecognised option '${flag}'`);
    }
  }
  return opts;
}

function importReader(roots) {
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, "utf8") };
      }
    }
    return { error: `File not found: ${importPath} (looked in ${roots.join(", ")})` };
  };
}

function writeThenExit(text, code) {
  process.exitCode = code;
  process.stdout.write(text); // node keeps the process alive until the pipe drains
}

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  if (opts.version) {
    writeThenExit(
      `solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`,
      0,
    );
    return;
  }
  if (!opts.standardJson) {
    process.stderr.write("only --version and --standard-json are supported by this adapter\n");
    process.exitCode = 1;
    return;
  }
  const input = fs.readFileSync(0, "utf8");
  const roots = [opts.basePath, ...opts.includePaths, process.cwd()].filter(Boolean);
  const output = solc.compile(input, { import: importReader(roots) });
  writeThenExit(`${output}\n`, 0);
}

main();

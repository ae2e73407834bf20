'use strict';
// Require hook for the benchmark suite (`npm run bench`): compiles bench/*.ts and
// the sources they import with @swc/core (the same settings as jest) and maps
// @timeline/* to libs/*/src. Nothing is written to disk.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@timeline\/([^/]+)$/.exec(request);
  if (m) request = path.join(root, 'libs', m[1], 'src');
  return resolve.call(this, request, ...rest);
};
Module._extensions['.ts'] = function (module, filename) {
  const out = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: false,
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(out.code, filename);
};

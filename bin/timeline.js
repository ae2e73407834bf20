#!/usr/bin/env node
'use strict';
// Entry point of the `timeline` command. Builds the project first when the
// compiled output is missing or older than the sources (a fresh clone).
const { existsSync, statSync, readdirSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const main = path.join(root, 'dist', 'apps', 'cli', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const stale = !existsSync(main) || ['apps', 'libs'].some((d) => newestSource(path.join(root, d)) > statSync(main).mtimeMs);
if (stale && existsSync(path.join(root, 'node_modules', '.bin', 'nest'))) {
  process.stderr.write('timeline: building (npm run build)…\n');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write('timeline: the build failed; see the errors above.\n');
    process.exit(r.status || 1);
  }
}
if (!existsSync(main)) {
  process.stderr.write(`timeline: ${path.relative(process.cwd(), main)} is missing: run "npm ci && npm run build" first.\n`);
  process.exit(1);
}
require(main).runCli(process.argv);

'use strict';
// Summarize V8 .cpuprofile files: `node bench/profile-top.js <file.cpuprofile>... [--top N]`.
// Prints self time by function (and by package / source folder), the evidence quoted in BENCHMARKS.md.
const fs = require('node:fs');
const path = require('node:path');
/** The repository root as it appears in profile urls (files are named relative to it). */
const ROOT = path.resolve(__dirname, '..') + path.sep;
const args = process.argv.slice(2);
const topI = args.indexOf('--top');
const top = topI >= 0 ? Number(args[topI + 1]) : 15;
const files = args.filter((a, i) => !a.startsWith('--') && i !== topI + 1);
for (const f of files) {
  const p = JSON.parse(fs.readFileSync(f, 'utf8'));
  const dt = new Map();
  p.samples.forEach((id, i) => dt.set(id, (dt.get(id) || 0) + (p.timeDeltas[i] || 0)));
  const byFn = new Map();
  const byArea = new Map();
  let total = 0;
  for (const n of p.nodes) {
    const t = (dt.get(n.id) || 0) / 1000;
    if (!t) continue;
    total += t;
    const cf = n.callFrame;
    const url = cf.url.replace(/^file:\/\//, '');
    const key = `${cf.functionName || '(anonymous)'} ${url.replace(/.*\/(node_modules\/)/, '$1').replace(ROOT, '')}:${cf.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) || 0) + t);
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const area = m ? m[1] : url.startsWith(ROOT) ? url.slice(ROOT.length).split('/').slice(0, 3).join('/') : cf.functionName.startsWith('(') ? cf.functionName : url.startsWith('node:') ? 'node internals' : url || '(native/V8)';
    byArea.set(area, (byArea.get(area) || 0) + t);
  }
  const pr = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `  ${v.toFixed(0).padStart(7)} ms ${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`== ${f}: ${total.toFixed(0)} ms sampled\n-- by area --\n${pr(byArea)}\n-- by function (self) --\n${pr(byFn)}\n`);
}

/**
 * Output-equality guard for extractor speed work: dumps everything the
 * extractor returns for
 *   1. each corpus article alone (normalized as ingest does; the extraction benchmark's input),
 *   2. the corpus as `timeline extract` / eval runs it (extractBatch: story context, cross-item relations),
 *   3. generated benchmark items (bench/suite/items.ts) through extractBatch (larger stories, more context),
 *   4. every extract()/extractBatch() call made by the extractor's unit specs
 *      (held-out house styles, kinds, relations and dates), run here with a
 *      minimal describe/it stand-in whose `expect` asserts nothing.
 *
 * Usage: `node -r ./bench/swc-hook.js bench/extraction-guard.ts <out.json>`,
 * once before and once after a change, then compare the two files (`cmp`):
 * an optimization must leave them byte-identical.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';
import * as extraction from '@timeline/extraction';
import { finishItem, normalizeNinjs } from '@timeline/feeds';
import { corpusItems } from './suite/extraction';
import { generateItems } from './suite/items';

const file = process.argv[2] ?? 'extraction-guard.json';
if (file.startsWith('-')) {
  console.error('usage: node -r ./bench/swc-hook.js bench/extraction-guard.ts [out.json]  (default extraction-guard.json; run before and after a change, then cmp the two)');
  process.exit(file === '-h' || file === '--help' ? 0 : 1);
}

const out: Record<string, unknown> = {};

// 1 and 2: the corpus
const corpus = corpusItems();
out.corpusAlone = corpus.map(({ item }) => ({ uri: item.uri, result: extraction.extract(item) }));
out.corpusBatch = extraction.extractBatch(corpus.map(({ item }, i) => ({ article: `a${i}`, item })));

// 3: generated items, 6 stories x 5 items
const generated = generateItems({ runKey: 'guard', stories: 6, itemsPerStory: 5, dayOffset: 0 }).map((n) => finishItem({ ...normalizeNinjs(n) }));
out.generatedBatch = extraction.extractBatch(generated.map((item, i) => ({ article: `g${i}`, item })));

// 4: the unit specs' calls
const calls: unknown[] = [];
const recorder = {
  ...extraction,
  extract: (...a: Parameters<typeof extraction.extract>) => {
    const r = extraction.extract(...a);
    calls.push({ fn: 'extract', body: a[0].body_text, ctx: a[1] ?? null, result: r });
    return r;
  },
  extractBatch: (...a: Parameters<typeof extraction.extractBatch>) => {
    const r = extraction.extractBatch(...a);
    calls.push({ fn: 'extractBatch', result: r });
    return r;
  },
};
const srcDir = path.resolve(__dirname, '../libs/extraction/src');
const M = Module as unknown as { _load: (req: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown };
const load = M._load;
M._load = function (req, parent, isMain) {
  if (req === './index' && parent?.filename && path.dirname(parent.filename) === srcDir) return recorder;
  return load.call(this, req, parent, isMain);
};
const anything: unknown = new Proxy(function () {}, { get: () => anything, apply: () => anything });
const g = globalThis as Record<string, unknown>;
type Suite = { before: Array<() => unknown>; after: Array<() => unknown>; body: Array<() => void> };
let suite: Suite = { before: [], after: [], body: [] };
g.expect = anything;
g.jest = anything;
g.describe = (_n: string, fn: () => void) => {
  const parent = suite;
  const s: Suite = { before: [], after: [], body: [] };
  parent.body.push(() => {
    suite = s;
    fn();
    for (const h of s.before) h();
    for (const b of s.body) b();
    for (const h of s.after) h();
    suite = parent;
  });
};
g.it = g.test = (n: string, fn: () => unknown) => {
  suite.body.push(() => {
    try {
      fn();
    } catch (e) {
      calls.push({ threw: n, error: String(e) });
    }
  });
};
g.beforeAll = (fn: () => unknown) => suite.before.push(fn);
g.afterAll = (fn: () => unknown) => suite.after.push(fn);
g.beforeEach = g.afterEach = () => undefined;
for (const spec of ['extract-styles', 'extract-kinds', 'relations-dates', 'extract']) {
  suite = { before: [], after: [], body: [] };
  require(path.join(srcDir, `${spec}.unit.spec.ts`));
  for (const b of suite.body) b();
}
out.specCalls = calls;


writeFileSync(file, JSON.stringify(out, null, 1));
console.log(`${file}: ${corpus.length} corpus items, ${generated.length} generated, ${calls.length} spec calls`);

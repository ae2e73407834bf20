/**
 * Regression floor on the dev corpus: every headline figure of `npm run eval`
 * must stay at or above the level extractor 0.4.0 reached (floors sit about
 * 0.02 under it), and no statement may be made from a not_statements span.
 * Reads ../shared/corpus read-only; skipped when the corpus is absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WireItemSchema } from '@timeline/events';
import { evaluate } from '@timeline/eval';
import { extractBatch } from './index';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const ARTICLES = path.join(CORPUS, 'articles');

/** Floors: reached level minus about 0.02 (extractor 0.4.0 reached detection 0.950, attributed 0.950, date 0.953, relation 0.717, kind 0.983, medium 0.934, via 0.961, clustering 1.0). */
const FLOORS = {
  detection_f1: 0.93,
  attributed_f1: 0.93,
  date_accuracy: 0.93,
  relation_f1: 0.69,
  kind_accuracy: 0.96,
  medium_accuracy: 0.91,
  via_accuracy: 0.94,
  cluster_f1: 0.98,
};

(fs.existsSync(ARTICLES) ? describe : describe.skip)('dev corpus floor', () => {
  it('given the dev corpus, when extracted and scored, then each headline figure is at or above its floor and there is no junk', () => {
    const files = fs
      .readdirSync(ARTICLES)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        const raw = JSON.parse(fs.readFileSync(path.join(ARTICLES, f), 'utf8'));
        return { article: f.replace(/\.json$/, ''), item: WireItemSchema.parse({ ...raw, version: Number(raw.version) }) };
      });
    const ndjson = extractBatch(files).map((p) => JSON.stringify(p)).join('\n');
    const totals = evaluate(CORPUS, ndjson).totals as unknown as Record<string, number>;
    for (const [k, floor] of Object.entries(FLOORS)) {
      expect({ figure: k, value: totals[k] }).toEqual({ figure: k, value: expect.any(Number) });
      expect(totals[k]).toBeGreaterThanOrEqual(floor);
    }
    expect(totals.junk_statements).toBe(0);
  });
});

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { evaluate, formatReport, Prediction } from '@timeline/eval';
import { extractFiles } from './extract.command';

/**
 * `timeline eval`: run the extractor over `<corpus>/articles/*.json` as one
 * batch and score it against `<corpus>/gold/` by the corpus README's rules
 * (same figures as ../shared/tools/score-reference.py). Prints a table per
 * item and the totals, writes the report as JSON (and the predictions as
 * NDJSON beside it). A measurement, not a test: exits 0 whatever the scores.
 */
export function evalCommand(opts: { corpus: string; out: string }): number {
  const articles = path.join(opts.corpus, 'articles');
  const files = readdirSync(articles).filter((f) => f.endsWith('.json')).map((f) => path.join(articles, f));
  const t0 = process.hrtime.bigint();
  const { predictions, errors } = extractFiles(files);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  for (const e of errors) console.error(`timeline eval: ${e}`);
  const report = evaluate(opts.corpus, predictions as unknown as Prediction[]);
  console.log(formatReport(report));
  console.log(`\nextracted ${predictions.length} items in ${ms.toFixed(0)} ms`);
  mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(opts.out.replace(/\.json$/, '') + '.predictions.ndjson', predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
  console.log(`report written to ${opts.out}`);
  return errors.length ? 1 : 0;
}

import type { EvalReport, EvalTotals } from './types';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const fmt = (x: number | null): string => (x === null ? '-' : x.toFixed(3));

function f1(t: number, np: number, ng: number): number | null {
  if (np === 0 && ng === 0) return null;
  const p = np ? t / np : 0;
  const r = ng ? t / ng : 0;
  return p + r ? (2 * p * r) / (p + r) : 0;
}

/** Labels of the totals, in the reference's order. */
const LABELS: Record<keyof EvalTotals, string> = {
  items: 'items',
  items_missing: 'items missing',
  gold_statements: 'gold statements',
  predicted: 'predicted',
  matched: 'matched',
  detection_p: 'detection P',
  detection_r: 'detection R',
  detection_f1: 'detection F1',
  attributed_p: 'attributed P',
  attributed_r: 'attributed R',
  attributed_f1: 'attributed F1 *',
  date_accuracy: 'date accuracy',
  date_accuracy_offday: 'date acc. off-day',
  relation_p: 'relation P',
  relation_r: 'relation R',
  relation_f1: 'relation F1',
  kind_accuracy: 'kind accuracy',
  medium_accuracy: 'medium accuracy',
  via_accuracy: 'via accuracy',
  junk_statements: 'junk statements',
  cluster_p: 'cluster P',
  cluster_r: 'cluster R',
  cluster_f1: 'cluster F1',
};

/**
 * A readable report for the terminal: one row per item (gold, predicted,
 * matched and attributed counts with the item's detection and attributed F1,
 * junk, and a mark for items with no prediction), then the totals under the
 * reference's field names with a short label. Plain text, no colours.
 */
export function formatReport(report: EvalReport): string {
  const width = Math.max(4, ...report.per_item.map((r) => r.article.length));
  const lines: string[] = [];
  lines.push(
    `${pad('item', width)}  ${['gold', 'pred', 'match', 'attrib', 'det F1', 'att F1', 'junk'].map((h) => lpad(h, 6)).join(' ')}`,
  );
  lines.push('-'.repeat(width + 2 + 7 * 7 - 1));
  for (const r of report.per_item) {
    const cells = [
      String(r.gold),
      String(r.predicted),
      String(r.matched),
      String(r.attributed),
      fmt(f1(r.matched, r.predicted, r.gold)),
      fmt(f1(r.attributed, r.predicted, r.gold)),
      String(r.junk),
    ];
    lines.push(`${pad(r.article, width)}  ${cells.map((c) => lpad(c, 6)).join(' ')}${r.missing ? '  (no prediction)' : ''}`);
  }
  lines.push('');
  const t = report.totals;
  for (const k of Object.keys(LABELS) as (keyof EvalTotals)[]) {
    const v = t[k];
    const shown = v === null ? '-' : Number.isInteger(v) && !k.match(/_(p|r|f1|accuracy|offday)$/) ? String(v) : fmt(v);
    lines.push(`${pad(LABELS[k], 18)} ${pad(k, 21)} ${lpad(shown, 6)}`);
  }
  lines.push('* headline figure: a statement counts only when its speaker is right too');
  if (report.missing.length) lines.push(`no prediction for: ${report.missing.join(', ')}`);
  return lines.join('\n');
}

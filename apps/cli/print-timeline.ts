import type { StorySummary, TimelineLine } from '@timeline/read-model';

const REL: Record<string, string> = { contradicts: '✗', supports: '✓', responds_to: '↩', corrects: '✎', retracts: '⌫' };

function clip(s: string, n: number): string {
  const clean = s.replace(/\s+/g, ' ');
  return clean.length <= n ? clean.padEnd(n) : clean.slice(0, n - 1) + '…';
}

function range(r: TimelineLine['saidAt']): string {
  if (!r) return '?';
  if (r.from && r.from === r.to) return r.from;
  return `${r.from ?? '…'}→${r.to ?? '…'}`;
}

/**
 * A story timeline as a plain-text table: #, said_at range, speaker, kind,
 * content, and relation marks (✗ contradicts, ✓ supports, ↩ responds to,
 * ✎ corrects, ⌫ retracts, followed by the target's #; "→#n" means it points
 * at a statement of another story line not shown).
 */
export function formatTimeline(story: StorySummary, lines: TimelineLine[], width = 140): string {
  const num = new Map(lines.map((l, i) => [l.statementId, i + 1]));
  const out = [`\n■ ${story.title}  (${story.itemCount} items, ${lines.length} statements; story ${story.storyId})`];
  const contentWidth = Math.max(30, width - 4 - 23 - 24 - 9 - 14);
  out.push(`${'#'.padStart(3)} ${'said'.padEnd(22)} ${'speaker'.padEnd(23)} ${'kind'.padEnd(8)} ${'content'.padEnd(contentWidth)} relations`);
  lines.forEach((l, i) => {
    const rels = l.relations.map((r) => `${REL[r.type] ?? r.type}#${num.get(r.target) ?? '?'}`).join(' ');
    out.push(`${String(i + 1).padStart(3)} ${clip(range(l.saidAt), 22)} ${clip(l.source.name, 23)} ${clip(l.kind, 8)} ${clip(l.content, contentWidth)} ${rels}`);
  });
  return out.join('\n');
}

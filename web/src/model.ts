/**
 * Pure helpers of the timeline page (no DOM): grouping by said_at day,
 * labels, highlight segments from character offsets, as-of moments.
 * Unit-tested in test/ui/page-model.unit.spec.ts.
 */
import type { RelationType, StatementKind, TimelineLine } from './types';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `2019-06-03` → `Mon 3 Jun 2019` (the day is a UTC calendar day, as said_at is). */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/**
 * The day group of a statement: its said_at range (one day, a range, an open
 * end), or "undated" with the item's day when the text gives no date.
 */
export function dayGroup(line: Pick<TimelineLine, 'saidAt' | 'itemDay'>): { key: string; label: string; dated: boolean } {
  const s = line.saidAt;
  if (!s || (!s.from && !s.to)) return { key: `undated:${line.itemDay}`, label: `Undated (reported ${formatDay(line.itemDay)})`, dated: false };
  if (s.from && s.to) return s.from === s.to ? { key: s.from, label: formatDay(s.from), dated: true } : { key: `${s.from}/${s.to}`, label: `${formatDay(s.from)} – ${formatDay(s.to)}`, dated: true };
  if (s.from) return { key: `${s.from}/`, label: `From ${formatDay(s.from)}`, dated: true };
  return { key: `/${s.to}`, label: `Until ${formatDay(s.to!)}`, dated: true };
}

/** Consecutive statements (already in timeline order) grouped by said_at day. */
export function groupByDay<T extends Pick<TimelineLine, 'saidAt' | 'itemDay'>>(lines: T[]): Array<{ key: string; label: string; dated: boolean; lines: T[] }> {
  const groups: Array<{ key: string; label: string; dated: boolean; lines: T[] }> = [];
  for (const line of lines) {
    const g = dayGroup(line);
    const last = groups[groups.length - 1];
    if (last && last.key === g.key) last.lines.push(line);
    else groups.push({ ...g, lines: [line] });
  }
  return groups;
}

/** direct → quote, indirect → paraphrase, mixed → paraphrase with a quoted fragment (corpus README, "kind"). */
export function kindLabel(kind: StatementKind): string {
  return kind === 'direct' ? 'quote' : kind === 'indirect' ? 'paraphrase' : 'paraphrase with quote';
}

const OUT: Record<RelationType, string> = { contradicts: 'contradicts', supports: 'supports', responds_to: 'responds to', corrects: 'corrects', retracts: 'retracts' };
const IN: Record<RelationType, string> = { contradicts: 'contradicted by', supports: 'supported by', responds_to: 'answered by', corrects: 'corrected by', retracts: 'retracted by' };

/** Words for a relation seen from its source (`out`) or from its target (`in`). */
export function relationLabel(type: RelationType, direction: 'out' | 'in'): string {
  return (direction === 'out' ? OUT : IN)[type] ?? type;
}

/** `["Reuters", "TASS"]` (nearest first) → `via Reuters ← TASS`; empty for none. */
export function viaChain(via: string[]): string {
  return via.length ? `via ${via.join(' ← ')}` : '';
}

/**
 * Split `text` into plain and marked runs for the given [start, end) UTF-16
 * offsets; overlapping or touching ranges merge, ranges are clamped to the
 * text, empty and inverted ones are ignored.
 */
export function highlightSegments(text: string, ranges: Array<{ start: number; end: number }>): Array<{ text: string; mark: boolean }> {
  const rs = ranges
    .map((r) => ({ start: Math.max(0, Math.min(text.length, r.start)), end: Math.max(0, Math.min(text.length, r.end)) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const r of rs) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  const out: Array<{ text: string; mark: boolean }> = [];
  let at = 0;
  for (const r of merged) {
    if (r.start > at) out.push({ text: text.slice(at, r.start), mark: false });
    out.push({ text: text.slice(r.start, r.end), mark: true });
    at = r.end;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), mark: false });
  return out;
}

/**
 * The recorded moments at which a story's visible timeline changed, oldest
 * first: every distinct firstRecordedAt and recordedAt of its statements.
 */
export function recordedMoments(lines: Array<Pick<TimelineLine, 'firstRecordedAt' | 'recordedAt'>>): string[] {
  const set = new Set<string>();
  for (const l of lines) {
    if (l.firstRecordedAt) set.add(new Date(l.firstRecordedAt).toISOString());
    if (l.recordedAt) set.add(new Date(l.recordedAt).toISOString());
  }
  return [...set].sort();
}

/** The instant 1 ms before `iso` (ISO 8601): the moment just before something was recorded. */
export function justBefore(iso: string): string {
  return new Date(Date.parse(iso) - 1).toISOString();
}

/** Speakers on a timeline with their statement counts, by name. */
export function speakersOf(lines: Array<Pick<TimelineLine, 'source'>>): Array<{ speakerId: string; name: string; count: number }> {
  const m = new Map<string, { speakerId: string; name: string; count: number }>();
  for (const l of lines) {
    const e = m.get(l.source.speakerId);
    if (e) e.count++;
    else m.set(l.source.speakerId, { speakerId: l.source.speakerId, name: l.source.name, count: 1 });
  }
  return [...m.values()].sort((a, b) => a.name.localeCompare(b.name) || a.speakerId.localeCompare(b.speakerId));
}

/** Parse an ISO 8601 instant typed by a person; null when it is not one. */
export function parseInstant(value: string): string | null {
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(v)) return null;
  const withZone = /T|\s/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? `${v.replace(' ', 'T')}Z` : v.replace(' ', 'T');
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

import type { Medium, RelationType, StatementKind } from '@timeline/events';
import { saidAtSortKey, TimelineEntry, TimelineStatement } from '@timeline/timeline';

/**
 * Pure filtering, paging and cursors of the query API (GET /stories,
 * /stories/:id/timeline, /speakers, /speakers/:id/statements). No I/O:
 * the live read model and as-of replays feed the same functions, so a
 * filtered replay is the same computation as a filtered live answer.
 */

/** Filters of GET /stories/:id/timeline; every one optional, all must hold. */
export interface TimelineFilter {
  /** speakerId (uuid) of the statement's source. */
  speaker?: string;
  /** Inclusive said_at day range (YYYY-MM-DD): a statement is kept when its days overlap it (see statementDays). */
  from?: string;
  to?: string;
  kind?: StatementKind;
  medium?: Medium;
  /** Keep statements with a relation of this type, outgoing or incoming. */
  relation?: RelationType;
}

/**
 * The days a statement covers, [first, last], YYYY-MM-DD: its said_at range;
 * an open end takes the other end; no said_at at all: the item's day (the
 * same fallback as the timeline's order, saidAtSortKey).
 */
export function statementDays(s: Pick<TimelineStatement, 'saidAt' | 'itemDay'>): [string, string] {
  const first = s.saidAt?.from ?? s.saidAt?.to ?? s.itemDay;
  const last = s.saidAt?.to ?? s.saidAt?.from ?? s.itemDay;
  return first <= last ? [first, last] : [last, first];
}

/** Whether a timeline line passes every filter given. */
export function matchesFilter(line: TimelineEntry, f: TimelineFilter): boolean {
  if (f.speaker !== undefined && line.source.speakerId !== f.speaker) return false;
  if (f.kind !== undefined && line.kind !== f.kind) return false;
  if (f.medium !== undefined && line.medium !== f.medium) return false;
  if (f.relation !== undefined && !line.relations.some((r) => r.type === f.relation) && !line.incoming.some((r) => r.type === f.relation)) return false;
  if (f.from !== undefined || f.to !== undefined) {
    const [first, last] = statementDays(line);
    if (f.from !== undefined && last < f.from) return false;
    if (f.to !== undefined && first > f.to) return false;
  }
  return true;
}

/** Whether any filter is set. */
export function hasFilter(f: TimelineFilter): boolean {
  return Object.values(f).some((v) => v !== undefined);
}

/**
 * Where a timeline page ends: the ordering tuple of its last line, the same
 * fields as compareStatements (said_at sort key, item day, item uri, first
 * mention offset, statement id). The next page starts after it, so a cursor
 * stays valid when lines are added or removed in between.
 */
export interface TimelineCursor {
  k: string;
  d: string;
  u: string;
  m: number;
  id: string;
}

/** The ordering tuple of a statement. */
export function timelineCursorOf(s: TimelineStatement): TimelineCursor {
  return { k: saidAtSortKey(s), d: s.itemDay, u: s.itemUri, m: s.mentions[0]?.start ?? 0, id: s.statementId };
}

/** compareStatements over ordering tuples (negative: a first). */
export function compareCursor(a: TimelineCursor, b: TimelineCursor): number {
  if (a.k !== b.k) return a.k < b.k ? -1 : 1;
  if (a.d !== b.d) return a.d < b.d ? -1 : 1;
  if (a.u !== b.u) return a.u < b.u ? -1 : 1;
  if (a.m !== b.m) return a.m - b.m;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Cursor kinds: a cursor of one listing is refused by another. */
export type CursorKind = 'timeline' | 'stories' | 'speakers' | 'speaker-statements';

/** Thrown for a cursor this API did not issue (or issued for another listing). */
export class CursorError extends Error {}

/** Opaque cursor: base64url of `{ c: kind, v: value }`. */
export function encodeCursor(kind: CursorKind, value: unknown): string {
  return Buffer.from(JSON.stringify({ c: kind, v: value })).toString('base64url');
}

/**
 * Decode a cursor of `kind` and check its value with `valid`.
 * @throws CursorError when it is not base64url JSON issued for `kind`, or the value is malformed.
 */
export function decodeCursor<T>(kind: CursorKind, cursor: string, valid: (v: unknown) => v is T): T {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor is not a cursor this API issued (copy nextCursor from the previous page)');
  }
  const p = parsed as { c?: unknown; v?: unknown } | null;
  if (!p || typeof p !== 'object' || p.c !== kind) throw new CursorError(`cursor was not issued for this listing (${kind})`);
  if (!valid(p.v)) throw new CursorError('cursor is malformed (copy nextCursor from the previous page)');
  return p.v;
}

const str = (x: unknown): x is string => typeof x === 'string';

/** Validator of TimelineCursor values. */
export function isTimelineCursor(v: unknown): v is TimelineCursor {
  const c = v as TimelineCursor;
  return !!c && typeof c === 'object' && str(c.k) && str(c.d) && str(c.u) && Number.isInteger(c.m) && str(c.id);
}

/** One page of a timeline. */
export interface TimelinePage<T> {
  statements: T[];
  /** Cursor of the next page, null on the last page. */
  nextCursor: string | null;
  /** Index in the input of each statement of the page. */
  indexes: number[];
}

/**
 * Filter `lines` (sorted in timeline order, as withIncoming returns them)
 * and cut the page of at most `limit` lines that starts after `after`.
 * Incoming relations are those of the whole story (computed before filtering).
 */
export function pageTimeline<T extends TimelineEntry>(lines: readonly T[], filter: TimelineFilter, limit: number, after?: TimelineCursor): TimelinePage<T> {
  return pageLines(lines, (l) => l, filter, limit, after);
}

/**
 * pageTimeline over statements that are not lines yet: `ordered` in
 * timeline order (timelineOrder), `line(s)` builds the line of a statement
 * (its incoming relations attached) and is called only for the statements
 * the page looks at — the page's own, plus, with a filter, the ones it
 * skips. An as-of replay pages this way instead of building every line of
 * the story (7,000+ copies for a 100-line page). Same page, same cursor as
 * pageTimeline over the built lines.
 */
export function pageLines<S extends TimelineStatement, T extends TimelineEntry>(
  ordered: readonly S[],
  line: (s: S) => T,
  filter: TimelineFilter,
  limit: number,
  after?: TimelineCursor,
): TimelinePage<T> {
  let i = 0;
  if (after) {
    // first line strictly after the cursor (binary search: lines are sorted)
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCursor(timelineCursorOf(ordered[mid]), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  const filtering = hasFilter(filter);
  const out: T[] = [];
  const indexes: number[] = [];
  for (; i < ordered.length; i++) {
    // a next page exists when one more line passes the filter
    const l = out.length === limit && !filtering ? undefined : line(ordered[i]);
    if (l && filtering && !matchesFilter(l, filter)) continue;
    if (out.length === limit) {
      return { statements: out, nextCursor: encodeCursor('timeline', timelineCursorOf(out[out.length - 1])), indexes };
    }
    out.push(l!);
    indexes.push(i);
  }
  return { statements: out, nextCursor: null, indexes };
}

/** Relation types that put two statements in conflict (GET /stories/:id/contradictions). */
export const CONFLICT_RELATIONS: readonly RelationType[] = ['contradicts', 'corrects', 'retracts'];

/** A pair of statements in conflict: `from` says `relation` of `to`. */
export interface ConflictPair<T> {
  relation: RelationType;
  from: T;
  to: T;
}

/**
 * The pairs of a timeline's statements in conflict: every relation of a
 * type in CONFLICT_RELATIONS whose source and target are both on the
 * timeline, in timeline order of the source (then of the target).
 */
export function conflictPairs<T extends TimelineEntry>(lines: readonly T[]): Array<ConflictPair<T>> {
  const byId = new Map(lines.map((l, i) => [l.statementId, i]));
  const pairs: Array<{ p: ConflictPair<T>; a: number; b: number }> = [];
  lines.forEach((l, a) => {
    for (const r of l.relations) {
      if (!CONFLICT_RELATIONS.includes(r.type)) continue;
      const b = byId.get(r.target);
      if (b === undefined || b === a) continue;
      pairs.push({ p: { relation: r.type, from: l, to: lines[b] }, a, b });
    }
  });
  pairs.sort((x, y) => x.a - y.a || x.b - y.b);
  return pairs.map((x) => x.p);
}

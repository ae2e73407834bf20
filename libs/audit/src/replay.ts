import type { ReplayEvent, StoredEvent } from '@timeline/events';
import {
  evolve, evolveStories, incomingRelations, initialState, saidAtSortKey, StoriesFold, StoryTimeline, TimelineEntry, timelineOrder, TimelineStatement,
} from '@timeline/timeline';
import { describeBound, ReplayBound, withinBound } from './bounds';

/**
 * What an as-of answer reflects: the last event folded. Two clocks, named so
 * they cannot be confused: `recordedAt` is when the log learned the last
 * fact (the audit clock); statements carry `saidAt`, when it was said (the
 * timeline's order).
 */
export interface ReplayPoint {
  /** The bound asked for: `{ asOf }` (recorded time), `{ position }` (global position) or `{}` (head). */
  readonly requested: { asOf?: string; position?: string };
  /** Global position of the last event folded (decimal string, '0' when none). */
  readonly globalPosition: string;
  /** Stream position of the last event folded (0 when none). */
  readonly streamPosition: number;
  /** recorded_at of the last event folded (ISO 8601 UTC), null when none. */
  readonly recordedAt: string | null;
  /** Number of events of the story's stream folded. */
  readonly eventCount: number;
}

/** Result of replaying one story's stream up to a bound. */
export interface ReplayResult {
  readonly storyId: string;
  /** The folded state (statements of every status, items). */
  readonly state: StoryTimeline;
  /** The active statements in timeline order (timelineOrder), not yet lines: see `line` and `entries`. */
  readonly ordered: readonly TimelineStatement[];
  /** The timeline line of one of `ordered` (its incoming relations attached), built on call. */
  line(s: TimelineStatement): TimelineEntry;
  /**
   * The timeline as it was: active statements in said_at order, with
   * incoming relations (every line, built on first use: a paged answer
   * builds only its page's lines with `line`).
   */
  readonly entries: TimelineEntry[];
  readonly reflects: ReplayPoint;
}

/**
 * evolve on a ReplayEvent. evolve is typed for StoredEvent but reads no
 * metadata (the only field a ReplayEvent lacks); the one fold of the
 * projector is used unchanged.
 */
export function foldEvent(state: StoryTimeline, e: ReplayEvent): StoryTimeline {
  return evolve(state, e as StoredEvent);
}

/**
 * evolveStories on a ReplayEvent (as foldEvent: it reads no metadata): the
 * fold of a merge family's events into a set of story states, the one the
 * projector and the rebuild use.
 */
export function foldStories(states: Map<string, StoryTimeline>, e: ReplayEvent): StoriesFold {
  return evolveStories(states, e as StoredEvent);
}

/**
 * Number of leading events (in stream order) within the bound. Replay folds a
 * PREFIX of the stream: it stops at the first event past the bound, so a
 * clock that stepped back can never fold an event without its predecessors.
 * It also stops at a hole in the stream positions (an event the caller's
 * SQL bound left out, e.g. one recorded by a clock that stepped back): the
 * rows after the hole are not a prefix.
 * @param afterStreamPosition stream position just before events[0] (0 = events start the stream; a snapshot's position otherwise).
 */
export function prefixLength(events: readonly ReplayEvent[], bound: ReplayBound, afterStreamPosition?: number): number {
  let n = 0;
  let prev = afterStreamPosition;
  while (n < events.length && withinBound(events[n], bound)) {
    const pos = events[n].streamPosition;
    if (prev !== undefined && pos !== undefined && pos !== prev + 1) break;
    prev = pos;
    n++;
  }
  return n;
}

/**
 * A folded state at a prefix of a stream, to continue a replay from
 * (snapshot: the same state `evolve` reaches from the start). `maxRecordedAt`
 * / `maxGlobalPosition` are the largest of the prefix's events: the snapshot
 * serves a bound only if every event of the prefix is within it.
 */
export interface ReplaySnapshot {
  readonly state: StoryTimeline;
  readonly reflects: Omit<ReplayPoint, 'requested'>;
  readonly maxRecordedAt: string | null;
  readonly maxGlobalPosition: string;
}

/** Whether every event folded into the snapshot lies within the bound (so replay may continue from it). */
export function snapshotServes(s: ReplaySnapshot, bound: ReplayBound): boolean {
  if (s.reflects.eventCount === 0) return true;
  return withinBound({ globalPosition: s.maxGlobalPosition, recordedAt: s.maxRecordedAt ?? '' }, bound);
}

/**
 * Replay a story: fold the stream's events within `bound` with the same
 * `evolve` the projector uses (so the answer is the computation the live
 * read model did at that point), then list the timeline.
 * @param events the story stream in stream-position order (upcast, as PgEventLog.readStream or AuditQueries.replayEvents return them);
 *   with `from`, the events AFTER the snapshot's stream position.
 *   For a story of a merge family (its stream has a StoriesMerged) use replayFamily instead: its
 *   state depends on the other members' streams.
 * @param from a snapshot (snapshotServes must hold for `bound`); its state is never mutated (cloned
 *   when events are folded on top; shared, read-only, when none are).
 * @returns the result and `snapshot`, the state this replay reached (for the next one).
 */
export function replayStory(
  storyId: string,
  events: readonly ReplayEvent[],
  bound: ReplayBound = { kind: 'head' },
  from?: ReplaySnapshot,
): ReplayResult & { snapshot: ReplaySnapshot } {
  const n = prefixLength(events, bound, from ? from.reflects.streamPosition : undefined);
  let state = from ? (n > 0 ? structuredClone(from.state) : from.state) : initialState(storyId);
  let maxRecordedAt = from?.maxRecordedAt ?? null;
  let maxGlobal = from ? BigInt(from.maxGlobalPosition) : 0n;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    state = foldEvent(state, e);
    if (maxRecordedAt === null || e.recordedAt > maxRecordedAt) maxRecordedAt = e.recordedAt;
    const g = BigInt(e.globalPosition);
    if (g > maxGlobal) maxGlobal = g;
  }
  const last = n > 0 ? events[n - 1] : undefined;
  const reflects = last
    ? { globalPosition: last.globalPosition, streamPosition: last.streamPosition ?? 0, recordedAt: last.recordedAt ?? null, eventCount: (from?.reflects.eventCount ?? 0) + n }
    : from
      ? from.reflects
      : { globalPosition: '0', streamPosition: 0, recordedAt: null, eventCount: 0 };
  return Object.assign(replayResult(storyId, state, { requested: describeBound(bound), ...reflects }), {
    snapshot: { state, reflects, maxRecordedAt, maxGlobalPosition: String(maxGlobal) },
  });
}

/**
 * The ReplayResult of a folded state: its active statements in timeline
 * order (timelineOrder), each line built on call (`line`) or all on first use
 * of `entries`, so a paged answer builds only its page's lines. Shared by
 * replayStory and replayFamily.
 */
export function replayResult(storyId: string, state: StoryTimeline, reflects: ReplayPoint): ReplayResult {
  const active: TimelineStatement[] = [];
  for (const id in state.statements) if (state.statements[id].status === 'active') active.push(state.statements[id]);
  const ordered = timelineOrder(active);
  const incoming = incomingRelations(ordered);
  const line = (s: TimelineStatement): TimelineEntry => ({ ...s, incoming: incoming.get(s.statementId) ?? [] });
  let entries: TimelineEntry[] | undefined;
  return {
    storyId,
    state,
    ordered,
    line,
    get entries() {
      return (entries ??= ordered.map(line));
    },
    reflects,
  };
}

/** Story summary of a replayed state, in the shape of GET /stories (StorySummary). */
export function replaySummary(r: ReplayResult): {
  storyId: string;
  title: string;
  itemCount: number;
  statementCount: number;
  firstSaid: string | null;
  lastSaid: string | null;
  updatedAt: string | null;
  lastGlobalPosition: string;
} {
  // `ordered` is sorted by saidAtSortKey first: its ends hold the smallest and largest key.
  const o = r.ordered;
  return {
    storyId: r.storyId,
    title: r.state.title,
    itemCount: Object.values(r.state.items).filter((i) => i.pubstatus === 'usable').length,
    statementCount: o.length,
    firstSaid: o.length ? saidAtSortKey(o[0]) : null,
    lastSaid: o.length ? saidAtSortKey(o[o.length - 1]) : null,
    updatedAt: r.reflects.recordedAt,
    lastGlobalPosition: r.reflects.globalPosition,
  };
}

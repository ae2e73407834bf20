import type { StoredEvent } from '@timeline/events';
import { evolve, initialState, StoryTimeline, TimelineEntry, timelineEntries } from '@timeline/timeline';
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
  /** The timeline as it was: active statements in said_at order, with incoming relations. */
  readonly entries: TimelineEntry[];
  readonly reflects: ReplayPoint;
}

/**
 * Number of leading events (in stream order) within the bound. Replay folds a
 * PREFIX of the stream: it stops at the first event past the bound, so a
 * clock that stepped back can never fold an event without its predecessors.
 */
export function prefixLength(events: readonly StoredEvent[], bound: ReplayBound): number {
  if (bound.kind === 'head') return events.length;
  let n = 0;
  while (n < events.length && withinBound(events[n], bound)) n++;
  return n;
}

/**
 * Replay a story: fold the stream's events within `bound` with the same
 * `evolve` the projector uses (so the answer is the computation the live
 * read model did at that point), then list the timeline.
 * @param events the story stream in stream-position order (upcast and validated, as PgEventLog.readStream returns them).
 */
export function replayStory(storyId: string, events: readonly StoredEvent[], bound: ReplayBound = { kind: 'head' }): ReplayResult {
  const n = prefixLength(events, bound);
  let state = initialState(storyId);
  for (let i = 0; i < n; i++) state = evolve(state, events[i]);
  const last = n > 0 ? events[n - 1] : undefined;
  return {
    storyId,
    state,
    entries: timelineEntries(state),
    reflects: {
      requested: describeBound(bound),
      globalPosition: last?.globalPosition ?? '0',
      streamPosition: last?.streamPosition ?? 0,
      recordedAt: last?.recordedAt ?? null,
      eventCount: n,
    },
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
  const keys = r.entries.map((e) => e.saidAt?.from ?? e.saidAt?.to ?? e.itemDay).sort();
  return {
    storyId: r.storyId,
    title: r.state.title,
    itemCount: Object.values(r.state.items).filter((i) => i.pubstatus === 'usable').length,
    statementCount: r.entries.length,
    firstSaid: keys[0] ?? null,
    lastSaid: keys[keys.length - 1] ?? null,
    updatedAt: r.reflects.recordedAt,
    lastGlobalPosition: r.reflects.globalPosition,
  };
}

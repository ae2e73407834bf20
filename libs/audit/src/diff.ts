import type { ReplayEvent } from '@timeline/events';
import { initialState, StoryTimeline, TimelineStatement, timelineEntries } from '@timeline/timeline';
import { describeBound, ReplayBound } from './bounds';
import { EventRef, eventRef } from './event-ref';
import { absorbMerged, foldEvent, prefixLength, ReplayPoint } from './replay';

/** One statement that differs between the two moments. */
export interface DiffEntry {
  readonly statementId: string;
  /** The statement at `from` (null when the log did not know it yet). */
  readonly before: TimelineStatement | null;
  /** The statement at `to`. */
  readonly after: TimelineStatement | null;
  /** For `changed`: the fields that differ (content, cue, source, saidAt, mentions, itemVersion, extractor, ...). */
  readonly changedFields: string[];
  /** The events between the two moments that touched the statement, oldest first. */
  readonly events: EventRef[];
}

/** GET /stories/:id/timeline/diff: how the timeline changed between two moments. */
export interface TimelineDiff {
  readonly storyId: string;
  readonly from: ReplayPoint;
  readonly to: ReplayPoint;
  /** On the timeline at `to`, not at `from` (new, or back from superseded). */
  readonly added: DiffEntry[];
  /** On the timeline at `from`, not at `to` (`after.status` says why: superseded or withdrawn). */
  readonly removed: DiffEntry[];
  /** On the timeline at both, with different content or provenance. */
  readonly changed: DiffEntry[];
}

/** Thrown when `from` lies after `to`. */
export class DiffOrderError extends Error {}

/** Fields compared for `changed` (bookkeeping such as eventIds and recordedAt is not a change of the statement). */
const COMPARED: Array<keyof TimelineStatement> = [
  'content', 'cue', 'source', 'kind', 'medium', 'via', 'saidAt', 'relations', 'itemUri', 'itemVersion', 'mentions', 'extractor',
];

function point(events: readonly ReplayEvent[], n: number, bound: ReplayBound): ReplayPoint {
  const last = n > 0 ? events[n - 1] : undefined;
  return {
    requested: describeBound(bound),
    globalPosition: last?.globalPosition ?? '0',
    streamPosition: last?.streamPosition ?? 0,
    recordedAt: last?.recordedAt ?? null,
    eventCount: n,
  };
}

/**
 * Diff a story's timeline between two moments (each a recorded time or a
 * global position): replay to `from` with `evolve`, copy the statements,
 * continue to `to`, compare. Each entry cites the events in between that
 * touched the statement.
 * @param events the story stream in stream-position order (upcast, validated).
 * @param merged states of the stories merged into this one (replayStory's `merged`), replayed to `from`
 *   and to `to`: a merge before `from` absorbs the `from` states, one between the two the `to` states.
 * @throws DiffOrderError when `from` lies after `to`.
 */
export function diffTimeline(
  storyId: string,
  events: readonly ReplayEvent[],
  from: ReplayBound,
  to: ReplayBound,
  merged?: { from: ReadonlyMap<string, StoryTimeline>; to: ReadonlyMap<string, StoryTimeline> },
): TimelineDiff {
  const nFrom = prefixLength(events, from);
  const nTo = prefixLength(events, to);
  if (nFrom > nTo) throw new DiffOrderError(`from (${nFrom} events) lies after to (${nTo} events); swap them`);
  let state: StoryTimeline = initialState(storyId);
  for (let i = 0; i < nFrom; i++) {
    state = foldEvent(state, events[i]);
    if (merged) absorbMerged(state, events[i], merged.from);
  }
  const before = new Map<string, TimelineStatement>();
  for (const s of Object.values(state.statements)) before.set(s.statementId, structuredClone(s));
  const activeBefore = new Set(timelineEntries(state).map((e) => e.statementId));
  const between = new Map<string, ReplayEvent>();
  for (let i = nFrom; i < nTo; i++) {
    between.set(events[i].eventId, events[i]);
    state = foldEvent(state, events[i]);
    if (merged) absorbMerged(state, events[i], merged.to);
  }
  const causes = (s: TimelineStatement | undefined): EventRef[] =>
    (s?.eventIds ?? []).filter((id) => between.has(id)).map((id) => eventRef(between.get(id)!));

  const added: DiffEntry[] = [];
  const removed: DiffEntry[] = [];
  const changed: DiffEntry[] = [];
  const after = state.statements;
  const activeAfter = new Set<string>();
  for (const e of timelineEntries(state)) {
    activeAfter.add(e.statementId);
    const b = before.get(e.statementId) ?? null;
    const a = after[e.statementId];
    if (!activeBefore.has(e.statementId)) {
      added.push({ statementId: e.statementId, before: b, after: a, changedFields: [], events: causes(a) });
      continue;
    }
    const fields = COMPARED.filter((f) => JSON.stringify(b![f]) !== JSON.stringify(a[f]));
    if (fields.length) changed.push({ statementId: e.statementId, before: b, after: a, changedFields: fields as string[], events: causes(a) });
  }
  for (const id of activeBefore) {
    if (activeAfter.has(id)) continue;
    const a = after[id] ?? null;
    removed.push({ statementId: id, before: before.get(id) ?? null, after: a, changedFields: ['status'], events: causes(a ?? undefined) });
  }
  return { storyId, from: point(events, nFrom, from), to: point(events, nTo, to), added, removed, changed };
}

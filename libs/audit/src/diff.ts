import type { ReplayEvent } from '@timeline/events';
import type { TimelineStatement } from '@timeline/timeline';
import type { ReplayBound } from './bounds';
import { EventRef, eventRef } from './event-ref';
import { replayFamily } from './family';
import { prefixLength, ReplayPoint } from './replay';

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

/**
 * Diff a story's timeline between two moments (each a recorded time or a
 * global position): the story's merge family replayed to `from` and, again
 * from the start, to `to`, with the same fold as an as-of answer
 * (replayFamily: every member's stream, evolveStories, global-position
 * order), so each end is exactly the as-of answer at that bound, whether a
 * merge lies before `from`, between the two or after `to`. Each entry cites
 * the events in between (folded at `to`, not at `from`) that touched the
 * statement.
 * @param streams the family's streams by story id (readStoryFamily), each in stream-position order (upcast,
 *   validated); a plain array is the story's own stream alone (a story never merged).
 * @throws DiffOrderError when `from` lies after `to` (on any stream of the family).
 */
export function diffTimeline(
  storyId: string,
  streams: ReadonlyMap<string, readonly ReplayEvent[]> | readonly ReplayEvent[],
  from: ReplayBound,
  to: ReplayBound,
): TimelineDiff {
  const family: ReadonlyMap<string, readonly ReplayEvent[]> = isStreamList(streams) ? new Map([[storyId, streams]]) : streams;
  // The events folded at `to` but not at `from`: of each stream, the events between its two prefixes.
  const between = new Map<string, ReplayEvent>();
  for (const events of family.values()) {
    const nFrom = prefixLength(events, from);
    const nTo = prefixLength(events, to);
    if (nFrom > nTo) throw new DiffOrderError(`from (${nFrom} events) lies after to (${nTo} events); swap them`);
    for (let i = nFrom; i < nTo; i++) between.set(events[i].eventId, events[i]);
  }
  const atFrom = replayFamily(storyId, family, from);
  const atTo = replayFamily(storyId, family, to);
  const before = new Map<string, TimelineStatement>();
  for (const s of Object.values(atFrom.state.statements)) before.set(s.statementId, s);
  const activeBefore = new Set(atFrom.entries.map((e) => e.statementId));
  const causes = (s: TimelineStatement | undefined): EventRef[] =>
    (s?.eventIds ?? []).filter((id) => between.has(id)).map((id) => eventRef(between.get(id)!));

  const added: DiffEntry[] = [];
  const removed: DiffEntry[] = [];
  const changed: DiffEntry[] = [];
  const after = atTo.state.statements;
  const activeAfter = new Set<string>();
  for (const e of atTo.entries) {
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
  return { storyId, from: atFrom.reflects, to: atTo.reflects, added, removed, changed };
}

function isStreamList(x: ReadonlyMap<string, readonly ReplayEvent[]> | readonly ReplayEvent[]): x is readonly ReplayEvent[] {
  return Array.isArray(x);
}

import type { ReplayEvent, TimelineEvent } from '@timeline/events';
import { initialState, resolveStory, StoryTimeline } from '@timeline/timeline';
import { describeBound, ReplayBound } from './bounds';
import { foldStories, prefixLength, ReplayPoint, ReplayResult, replayResult } from './replay';

/**
 * A story's merge family: the stories linked to it by StoriesMerged events,
 * directly or through others (the stories it absorbed, the one it was merged
 * into, the stories a stale merge named). Every merge has an event on the
 * stream of each story it names, so following the ids named on each stream
 * reaches the whole family; no event outside it can change a member's state
 * (evolveStories only moves statements along merges). A story whose stream
 * has no StoriesMerged is a family of one.
 *
 * Everything here takes ReplayEvents (what AuditQueries.replayEvents reads:
 * no metadata, hashes or item text; a StoredEvent is one too), so a family's
 * as-of replay reads as little as a single story's.
 */

/** Whether any of `events` is a StoriesMerged (the stream belongs to a family of more than one story). */
export function hasMerges(events: readonly ReplayEvent[]): boolean {
  return events.some((e) => e.type === 'StoriesMerged');
}

/** Every story id a StoriesMerged among `events` names (its stream's story, survivor, merged ids), in first-seen order. */
export function storiesLinkedBy(events: readonly ReplayEvent[]): string[] {
  const ids = new Set<string>();
  for (const ev of events) {
    const e = ev as ReplayEvent<TimelineEvent>;
    if (e.type !== 'StoriesMerged') continue;
    ids.add(e.data.storyId);
    ids.add(e.data.survivorStoryId);
    for (const m of e.data.mergedStoryIds) ids.add(m);
  }
  return [...ids];
}

/**
 * The breadth-first walk of a merge family, shared by readStoryFamily (async
 * reads) and linkedFamily (streams already read): yields each member's id,
 * is sent its events, follows every id a StoriesMerged among them names
 * (until no new one appears) and returns the streams by story id,
 * `storyId` first.
 */
function* familyWalk<E extends ReplayEvent>(storyId: string): Generator<string, Map<string, readonly E[]>, readonly E[]> {
  const family = new Map<string, readonly E[]>();
  const queue = [storyId];
  while (queue.length) {
    const id = queue.shift()!;
    if (family.has(id)) continue;
    const events = yield id;
    family.set(id, events);
    for (const next of storiesLinkedBy(events)) if (!family.has(next)) queue.push(next);
  }
  return family;
}

/**
 * Read the streams of a story's merge family, breadth first from `storyId`
 * (every id a StoriesMerged names, until no new one appears). The one
 * family read of the audit API, statement histories and reextract.
 * @param read the events of one story's stream in stream-position order (the caller picks the bound: reading
 *   within a replay bound finds every link that matters at that bound).
 * @param first `storyId`'s events when the caller has them already.
 *   The events' type is the reader's: ReplayEvents for replays, StoredEvents where the whole event is needed (reextract).
 * @returns the streams by story id, `storyId` first.
 */
export async function readStoryFamily<E extends ReplayEvent>(
  storyId: string,
  read: (storyId: string) => Promise<readonly E[]>,
  first?: readonly E[],
): Promise<Map<string, readonly E[]>> {
  const walk = familyWalk<E>(storyId);
  let step = walk.next();
  while (!step.done) step = walk.next(step.value === storyId && first ? first : await read(step.value));
  return step.value;
}

/**
 * readStoryFamily's walk over streams already read: the members of
 * `storyId`'s family that the StoriesMerged events among `streams` link it
 * to, `storyId` first. Given streams cut at a bound, it is the family the
 * as-of API reads at that bound (AuditService.familyStreams reads within
 * the bound), so a stream linked only by a merge after the bound is left
 * out. An id named but absent from `streams` is an empty stream.
 */
export function linkedFamily<E extends ReplayEvent>(storyId: string, streams: ReadonlyMap<string, readonly E[]>): Map<string, readonly E[]> {
  const walk = familyWalk<E>(storyId);
  let step = walk.next();
  while (!step.done) step = walk.next(streams.get(step.value) ?? []);
  return step.value;
}

/** Order of two global positions (decimal strings without leading zeros). */
export function compareGlobalPositions(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The events of a family within `bound`, in global-position order: of each
 * stream its prefix within the bound (prefixLength: a stream stops at its
 * first event past the bound), then all merged by global position.
 */
export function familyEvents<E extends ReplayEvent>(streams: ReadonlyMap<string, readonly E[]>, bound: ReplayBound = { kind: 'head' }): E[] {
  const all: E[] = [];
  for (const events of streams.values()) {
    const n = prefixLength(events, bound);
    for (let i = 0; i < n; i++) all.push(events[i]);
  }
  if (streams.size > 1) all.sort((a, b) => compareGlobalPositions(a.globalPosition, b.globalPosition));
  return all;
}

/** Fold a family's events (familyEvents) with evolveStories (foldStories), as the projector does: every member's state. */
function foldFamily(events: readonly ReplayEvent[]): Map<string, StoryTimeline> {
  const states = new Map<string, StoryTimeline>();
  for (const e of events) foldStories(states, e);
  return states;
}

/** An as-of answer of a family member, with where the story went. */
export interface FamilyReplayResult extends ReplayResult {
  /** The survivor holding the story's statements at the bound (resolveStory), null when that is the story itself. */
  readonly survivor: string | null;
}

/**
 * What a replay of `storyId`'s family to a bound reflects: the last family
 * event folded (its global position and recordedAt: the content reflects
 * every member's stream up to it), the story's own stream position and the
 * number of its own stream's events folded.
 */
function familyPoint(storyId: string, events: readonly ReplayEvent[], bound: ReplayBound): ReplayPoint {
  const last = events.length ? events[events.length - 1] : undefined;
  let streamPosition = 0;
  let eventCount = 0;
  for (const e of events) {
    if ((e as ReplayEvent<TimelineEvent>).data.storyId !== storyId) continue;
    streamPosition = e.streamPosition ?? 0;
    eventCount++;
  }
  return {
    requested: describeBound(bound),
    globalPosition: last?.globalPosition ?? '0',
    streamPosition,
    recordedAt: last?.recordedAt ?? null,
    eventCount,
  };
}

/**
 * Replay a story of a merge family to a bound: fold every member's stream
 * (each its prefix within the bound) in global-position order with the
 * projector's evolveStories, so the answer at the head is the live
 * projection's state, and a late event of a merged stream lands where the
 * projector put it (on the survivor, after the merge).
 * The answer has replayStory's shape (ordered statements, lines built on
 * demand), so AuditService.asOfPage builds only its page's lines for a
 * family too.
 * @param streams the family's streams (readStoryFamily), each in stream-position order.
 */
export function replayFamily(storyId: string, streams: ReadonlyMap<string, readonly ReplayEvent[]>, bound: ReplayBound = { kind: 'head' }): FamilyReplayResult {
  const events = familyEvents(streams, bound);
  const states = foldFamily(events);
  const state = states.get(storyId) ?? initialState(storyId);
  const to = resolveStory(states, storyId);
  return Object.assign(replayResult(storyId, state, familyPoint(storyId, events, bound)), { survivor: to === storyId ? null : to });
}

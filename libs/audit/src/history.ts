import type { ReplayEvent, TimelineEvent } from '@timeline/events';
import { resolveStory, StatementStatus, StoryTimeline, TimelineStatement } from '@timeline/timeline';
import { EventRef, eventRef } from './event-ref';
import { foldStories } from './replay';

/**
 * How an event touched a statement:
 * - `recorded`: first recorded (StatementRecorded);
 * - `recorded_again`: a newer item version reported it again (same statement id);
 * - `re_extracted`: recorded again by another extractor version;
 * - `late_version`: recorded by an item version older than the current one (changes nothing);
 * - `superseded`: a newer item version arrived without it (yet);
 * - `withdrawn`: the item was killed (canceled) or withheld;
 * - `retracted`: re-extraction with a newer extractor no longer finds it;
 * - `related`: another statement was recorded with a relation to it (contradicts, supports, ...);
 * - `merged`: its story was merged into another (StoriesMerged): it moved to the survivor's timeline.
 */
export type HistoryKind = 'recorded' | 'recorded_again' | 're_extracted' | 'late_version' | 'superseded' | 'withdrawn' | 'retracted' | 'related' | 'merged';

/** One line of a statement's history. */
export interface HistoryEntry extends EventRef {
  readonly kind: HistoryKind;
  /** The statement's status after this event (unchanged for `related`). */
  readonly statusAfter: StatementStatus;
  /** For `related`: the statement that points at this one, and how. */
  readonly relation?: { type: string; fromStatementId: string };
}

/** GET /statements/:id/history. */
export interface StatementHistory {
  readonly statementId: string;
  readonly storyId: string;
  /** The statement as the stream's last event leaves it (any status). */
  readonly current: TimelineStatement;
  /** Every event that touched it, oldest first. */
  readonly events: HistoryEntry[];
}

/**
 * Every event that touched one statement, found by replaying with `evolve`
 * (through evolveStories) and watching the statement change.
 * @param events the story's stream in stream-position order (upcast,
 *   validated); for a story that absorbed others, the streams of the whole
 *   merge family (the survivor's and the merged stories') in global-position
 *   order, so the statement is followed from its own story into the survivor.
 * @returns null when no event records the statement; `storyId` of the answer
 *   is the story that holds it after the last event.
 */
export function statementHistory(storyId: string, statementId: string, events: readonly ReplayEvent[]): StatementHistory | null {
  const states = new Map<string, StoryTimeline>();
  let holder: string | null = null;
  const find = (): TimelineStatement | undefined => (holder === null ? undefined : states.get(holder)?.statements[statementId]);
  const out: HistoryEntry[] = [];
  for (const ev of events) {
    const e = ev as ReplayEvent<TimelineEvent>;
    const prev = find();
    const was = prev ? { status: prev.status, itemVersion: prev.itemVersion, extractor: prev.extractor.version, touched: prev.eventIds.length } : null;
    const r = foldStories(states, e);
    if (holder === null && states.get(r.storyId)?.statements[statementId]) holder = r.storyId;
    else if (holder !== null) holder = resolveStory(states, holder);
    const now = find();
    if (!now) continue;
    if (e.type === 'StatementRecorded' && e.data.statementId !== statementId) {
      for (const r of e.data.relations) {
        if (r.target === statementId) out.push({ ...eventRef(e), kind: 'related', statusAfter: now.status, relation: { type: r.type, fromStatementId: e.data.statementId } });
      }
      continue;
    }
    if (was && now.eventIds.length === was.touched) continue;
    let kind: HistoryKind;
    if (e.type === 'StatementRecorded') {
      if (!was) kind = 'recorded';
      else if (now.itemVersion !== e.data.itemVersion) kind = 'late_version';
      else if (e.data.extractor.version !== was.extractor) kind = 're_extracted';
      else kind = 'recorded_again';
    } else if (e.type === 'StoriesMerged') {
      kind = 'merged';
    } else {
      kind = e.type === 'StatementRetracted' ? 'retracted' : now.status === 'withdrawn' ? 'withdrawn' : 'superseded';
    }
    out.push({ ...eventRef(e), kind, statusAfter: now.status });
  }
  const current = find();
  if (!current) return null;
  return { statementId, storyId: holder ?? storyId, current, events: out };
}

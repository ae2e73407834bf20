import type { PubStatus, ReplayEvent, TimelineEvent } from '@timeline/events';

/** One event of the log as cited by audit answers: where it is, when the log learned it, and the item and extractor behind it. */
export interface EventRef {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly globalPosition: string;
  readonly streamPosition: number;
  /** When the log learned it (ISO 8601 UTC). Not when anything was said: that is a statement's saidAt. */
  readonly recordedAt: string;
  readonly itemUri: string;
  readonly itemVersion: number;
  /** For WireItemRecorded: the item's pubstatus (canceled = a kill). */
  readonly pubstatus?: PubStatus;
  /** For StatementRecorded: the extractor that produced it. */
  readonly extractor?: { name: string; version: string };
}

/** The citation of a stored event. */
export function eventRef(event: ReplayEvent): EventRef {
  const e = event as ReplayEvent<TimelineEvent>;
  const base = {
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    globalPosition: e.globalPosition,
    streamPosition: e.streamPosition,
    recordedAt: e.recordedAt,
  };
  if (e.type === 'WireItemRecorded') {
    return { ...base, itemUri: e.data.item.uri, itemVersion: e.data.item.version, pubstatus: e.data.item.pubstatus };
  }
  return { ...base, itemUri: e.data.itemUri, itemVersion: e.data.itemVersion, extractor: { ...e.data.extractor } };
}

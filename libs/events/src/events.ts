import { z } from 'zod';
import { WireItemSchema } from './wire-item';
import { DayRange, ExtractorRef, Medium, Mention, Relation, Source, StatementKind } from './statement';

/**
 * Every event type of the service, defined once (Emmett style: plain
 * readonly `{ type, data, metadata }`). Each has a zod schema, used at every
 * boundary: before publish (ingest), before append (event-log writer) and
 * after read (projector, audit replay). Schema versions start at 1; stored
 * older versions are turned into the current shape by upcasters (upcast.ts).
 */

/**
 * A version of a wire item was received. Carries the whole normalized item so
 * statements can be re-derived later by a newer extractor (DESIGN.md decision 7).
 * A later version with pubstatus `canceled` is a kill: the item's statements
 * leave the timeline; its history stays in the log.
 */
export const WireItemRecordedData = z.object({
  storyId: z.string().uuid(),
  item: WireItemSchema,
  /** Format the item arrived in (ninjs, newsml-g2, rss, atom, jsonfeed, html). */
  format: z.string().min(1),
  /** sha256 of the normalized item's canonical JSON, hex. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Headline used as the story title when this item opened the story. */
  storyTitle: z.string().optional(),
});
export type WireItemRecordedData = z.infer<typeof WireItemRecordedData>;

/** One attributed statement (source / cue / content, after PARC and Citron) found in one item version. */
export const StatementRecordedData = z.object({
  statementId: z.string().uuid(),
  storyId: z.string().uuid(),
  itemUri: z.string().min(1),
  itemVersion: z.number().int().nonnegative(),
  source: Source,
  cue: z.string(),
  content: z.string().min(1),
  kind: StatementKind,
  medium: Medium.nullable(),
  via: z.array(z.string()),
  /** Valid time: the day range in which the speaker said it; null when the text gives no clue. */
  saidAt: DayRange.nullable(),
  mentions: z.array(Mention).min(1),
  relations: z.array(Relation),
  extractor: ExtractorRef,
});
export type StatementRecordedData = z.infer<typeof StatementRecordedData>;

/**
 * A re-extraction (`timeline reextract`) of one item version no longer finds
 * a statement the timeline held for it: the statement leaves the timeline
 * (status `retracted`); its StatementRecorded events stay in the log.
 * `extractor` is the extractor whose run dropped it.
 */
export const StatementRetractedData = z.object({
  statementId: z.string().uuid(),
  storyId: z.string().uuid(),
  itemUri: z.string().min(1),
  itemVersion: z.number().int().nonnegative(),
  extractor: ExtractorRef,
  reason: z.enum(['re-extracted']),
});
export type StatementRetractedData = z.infer<typeof StatementRetractedData>;

/**
 * Two (or more) stories turned out to be one developing story: a new item
 * matched each of them (libs/extraction story.ts `assignStory`, merge rule).
 * Written on TWO kinds of stream in the same message as the triggering
 * item's events:
 * - on the survivor's stream (`storyId` = `survivorStoryId`): from here on the
 *   survivor's timeline holds the union of its and the merged stories'
 *   statements (the projection moves them; as-of replay reads the merged
 *   streams too);
 * - on each merged story's stream (`storyId` = that merged id), a marker
 *   closing the stream: a replay of the merged story from then on answers
 *   "merged into the survivor", and its hash chain records its own end.
 * `sharedTerms` / `score`: the evidence, per merged story (the salient terms
 * the item shares with it, and the item's similarity to it).
 */
export const StoriesMergedData = z.object({
  /** The story of the stream this event is on. */
  storyId: z.string().uuid(),
  survivorStoryId: z.string().uuid(),
  mergedStoryIds: z.array(z.string().uuid()).min(1),
  /** The item whose assignment bridged the stories. */
  itemUri: z.string().min(1),
  itemVersion: z.number().int().nonnegative(),
  reason: z.enum(['bridging-item']),
  evidence: z.array(
    z.object({
      storyId: z.string().uuid(),
      /** The item's weighted share of salient terms found in that story (0-1). */
      score: z.number().min(0).max(1),
      sharedTerms: z.array(z.string()),
    }),
  ),
  extractor: ExtractorRef,
});
export type StoriesMergedData = z.infer<typeof StoriesMergedData>;

export const EventSchemas = {
  WireItemRecorded: { version: 1, data: WireItemRecordedData },
  StatementRecorded: { version: 1, data: StatementRecordedData },
  StatementRetracted: { version: 1, data: StatementRetractedData },
  StoriesMerged: { version: 1, data: StoriesMergedData },
} as const;

export type EventType = keyof typeof EventSchemas;
export const EVENT_TYPES = Object.keys(EventSchemas) as EventType[];

/** Correlation (the ingest request), causation (the event or command that caused it), and who wrote it. */
export const EventMetadata = z
  .object({
    correlationId: z.string().min(1),
    causationId: z.string().min(1).nullable(),
    extractor: ExtractorRef.optional(),
  })
  .catchall(z.unknown());
export type EventMetadata = z.infer<typeof EventMetadata>;

export type WireItemRecorded = {
  readonly type: 'WireItemRecorded';
  readonly data: WireItemRecordedData;
};
export type StatementRecorded = {
  readonly type: 'StatementRecorded';
  readonly data: StatementRecordedData;
};
export type StatementRetracted = {
  readonly type: 'StatementRetracted';
  readonly data: StatementRetractedData;
};
export type StoriesMerged = {
  readonly type: 'StoriesMerged';
  readonly data: StoriesMergedData;
};
/** Union of all domain events. */
export type TimelineEvent = WireItemRecorded | StatementRecorded | StatementRetracted | StoriesMerged;

/**
 * An event before it is appended: what ingest publishes and the writer appends.
 * `eventId` is deterministic (ids.ts) so a redelivery or re-ingest is a no-op.
 */
export type NewEvent<E extends TimelineEvent = TimelineEvent> = E & {
  readonly eventId: string;
  readonly streamId: string;
  readonly schemaVersion: number;
  readonly metadata: EventMetadata;
};

/** An event as stored in the log: positions, time and chain hash assigned by the writer. */
export type StoredEvent<E extends TimelineEvent = TimelineEvent> = NewEvent<E> & {
  readonly streamPosition: number;
  /** bigint as a decimal string (bigserial). */
  readonly globalPosition: string;
  /** xid8 of the appending transaction, decimal string. */
  readonly transactionId: string;
  /** ISO 8601 UTC with milliseconds. */
  readonly recordedAt: string;
  /** sha256(prevHash || canonical event), hex. */
  readonly hash: string;
  readonly prevHash: string;
};

/** Fields of a StoredEvent no fold reads: left in Postgres by replay reads. */
export type UnfoldedFields = 'metadata' | 'transactionId' | 'hash' | 'prevHash';

/**
 * A stored event without what no fold reads (metadata, transaction id, chain
 * hashes): what evolve, as-of replay, diffs and histories need, as
 * AuditQueries.replayEvents returns it. A StoredEvent is one. Replay reads
 * also leave the item text in Postgres: these are not hashable, never verify
 * chains with them.
 */
export type ReplayEvent<E extends TimelineEvent = TimelineEvent> = E extends TimelineEvent ? Omit<StoredEvent<E>, UnfoldedFields> : never;

const NewEventBase = z.object({
  eventId: z.string().uuid(),
  streamId: z.string().min(1).max(300),
  schemaVersion: z.number().int().positive(),
  type: z.string(),
  data: z.unknown(),
  metadata: EventMetadata,
});

/** Thrown when an event fails validation; `path` names the offending field. */
export class InvalidEventError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

function zodMessage(prefix: string, err: z.ZodError): InvalidEventError {
  const issue = err.issues[0];
  const path = issue.path.join('.') || '(root)';
  return new InvalidEventError(`${prefix}: ${path}: ${issue.message}`, path);
}

/**
 * Validate an event in its current schema version.
 * @throws InvalidEventError naming the first bad field.
 */
export function validateNewEvent(raw: unknown): NewEvent {
  const base = NewEventBase.safeParse(raw);
  if (!base.success) throw zodMessage('invalid event envelope', base.error);
  const type = base.data.type;
  if (!(type in EventSchemas)) throw new InvalidEventError(`unknown event type "${type}"`, 'type');
  const schema = EventSchemas[type as EventType];
  if (base.data.schemaVersion !== schema.version) {
    throw new InvalidEventError(
      `event ${base.data.eventId} of type ${type} has schemaVersion ${base.data.schemaVersion}; expected ${schema.version} (upcast first)`,
      'schemaVersion',
    );
  }
  const data = schema.data.safeParse(base.data.data);
  if (!data.success) throw zodMessage(`invalid ${type} event ${base.data.eventId}`, data.error);
  const bad = unstorableText(data.data, 'data') ?? unstorableText(base.data.metadata, 'metadata');
  if (bad) {
    throw new InvalidEventError(`invalid ${type} event ${base.data.eventId}: ${bad}: contains U+0000 or an unpaired surrogate, which JSON in Postgres (jsonb) cannot store`, bad);
  }
  return { ...base.data, type, data: data.data } as NewEvent;
}

// U+0000, or a high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Path of the first string (or key) in `value` that jsonb refuses: U+0000 or
 * an unpaired UTF-16 surrogate (PostgreSQL docs, "JSON Types": \u0000 is not
 * accepted, and text must be valid in the database encoding). Null when all
 * strings are storable.
 */
export function unstorableText(value: unknown, path: string): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = unstorableText(value[i], `${path}.${i}`);
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (UNSTORABLE.test(k)) return `${path}.(key)`;
      const p = unstorableText(v, `${path}.${k}`);
      if (p) return p;
    }
  }
  return null;
}

/** Build a NewEvent with the current schema version of its type (no validation; call validateNewEvent at a boundary). */
export function newEvent<E extends TimelineEvent>(
  event: E,
  envelope: { eventId: string; streamId: string; metadata: EventMetadata },
): NewEvent<E> {
  return { ...event, ...envelope, schemaVersion: EventSchemas[event.type].version };
}

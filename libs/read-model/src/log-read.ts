import type { Pool, PoolClient } from 'pg';
import { EventSchemas, EventType, InvalidEventError, ReplayEvent, StoredEvent, upcast, validateNewEvent } from '@timeline/events';
import { assertCheckpoint, Checkpoint, quoteSchema } from '@timeline/event-log';

/** A stored row of the events table, as the projection reads it (array row mode: no per-row key objects). */
export type StoredRow = [
  globalPosition: string,
  transactionId: string,
  eventId: string,
  streamId: string,
  streamPosition: number,
  type: string,
  schemaVersion: number,
  data: unknown,
  metadata: unknown,
  recordedAt: string,
  prevHash: string,
  hash: string,
];

/** The columns of a Row, from the events table aliased `e`. */
export const STORED_ROW_COLUMNS = `e.global_position::text, e.transaction_id::text, e.event_id::text, e.stream_id, e.stream_position, e.type,
  e.schema_version, e.data, e.metadata, to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), e.prev_hash, e.hash`;

/**
 * Turn a stored row into a StoredEvent for folding. A row already in its
 * type's current schema version is taken as stored: it was validated by
 * PgEventLog.append (zod, `validateNewEvent`) before it was written, the log
 * is append-only, and every row's content is covered by its hash chain
 * (`timeline audit verify` names an edited row), so re-validating it on every
 * read only costs time (it was ~2/3 of a rebuild's read time). A row of an
 * older schema version is upcast (upcasters, DESIGN.md vocabulary) and the
 * result validated, as PgEventLog.readAllGapSafe does for every row.
 * @throws InvalidEventError / Error naming the global position, stream and stream position of a row
 *   of an unknown type, or one that cannot be upcast or fails validation after upcasting.
 */
export function decodeStoredRow(r: StoredRow): StoredEvent {
  const [globalPosition, transactionId, eventId, streamId, streamPosition, type, schemaVersion, data, metadata, recordedAt, prevHash, hash] = r;
  const current = EventSchemas[type as EventType]?.version;
  if (current !== undefined && schemaVersion === current) {
    return { eventId, streamId, type, schemaVersion, data, metadata, streamPosition, globalPosition, transactionId, recordedAt, prevHash, hash } as StoredEvent;
  }
  try {
    const up = upcast({ type, schemaVersion, data });
    const e = validateNewEvent({ eventId, streamId, type: up.type, schemaVersion: up.schemaVersion, data: up.data, metadata });
    return { ...e, streamPosition, globalPosition, transactionId, recordedAt, prevHash, hash } as StoredEvent;
  } catch (err) {
    const msg = `stored event at global position ${globalPosition} (stream ${streamId} position ${streamPosition}) cannot be read: ${(err as Error).message}`;
    if (err instanceof InvalidEventError) throw new InvalidEventError(msg, err.path);
    throw new Error(msg);
  }
}

/** One row of the replay read, array row mode; `metadata` is set only for rows to upcast (null otherwise). */
export type ReplayRow = [globalPosition: string, eventId: string, streamPosition: number, type: string, schemaVersion: number, data: unknown, metadataIfOld: unknown, recordedAt: string];

/** Current schema version of every event type (`{"WireItemRecorded":1,...}`), the jsonb parameter of replayRowColumns; read at each call, as decodeStoredRow reads EventSchemas. */
export const currentVersionsJson = (): string => JSON.stringify(Object.fromEntries(Object.entries(EventSchemas).map(([t, s]) => [t, s.version])));

/**
 * The columns of a ReplayRow, from the events table aliased `e`; `$versions`
 * is the placeholder of currentVersionsJson() (jsonb). What a fold does not
 * need stays in Postgres: the item text (jsonb → text is the server's main
 * cost of the read) and the metadata of rows already at their type's current
 * version (older rows get it: upcasting validates the whole event).
 * @param itemText keep the item text (a rebuild writes it to rm_item_versions).
 */
export const replayRowColumns = (versions: string, itemText = false) => `e.global_position::text, e.event_id::text, e.stream_position, e.type, e.schema_version,
  ${itemText ? 'e.data' : `CASE WHEN e.type = 'WireItemRecorded' THEN e.data #- '{item,body_text}' ELSE e.data END`},
  CASE WHEN e.schema_version = (${versions}::jsonb ->> e.type)::int THEN NULL ELSE e.metadata END,
  to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Turn a replay row into a ReplayEvent (@timeline/events): as
 * decodeStoredRow (current-version rows as stored; older ones upcast and
 * validated, with their metadata, which is then dropped), without the
 * UnfoldedFields. The item text of a WireItemRecorded is absent (upcast
 * rows: the schema's default, empty).
 * @param streamId the stream the rows were read from (not read per row).
 * @throws as decodeStoredRow.
 */
export function decodeReplayRow(streamId: string, r: ReplayRow): ReplayEvent {
  const [globalPosition, eventId, streamPosition, type, schemaVersion, data, metadata, recordedAt] = r;
  if (metadata === null) return { eventId, streamId, type, schemaVersion, data, streamPosition, globalPosition, recordedAt } as ReplayEvent;
  const e = decodeStoredRow([globalPosition, '', eventId, streamId, streamPosition, type, schemaVersion, data, metadata, recordedAt, '', '']);
  return { eventId, streamId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, streamPosition, globalPosition, recordedAt } as ReplayEvent;
}

/** A rebuild's row: a ReplayRow (with the item text), then the stream id and transaction id. */
export type RebuildRow = [...ReplayRow, streamId: string, transactionId: string];

/** The columns of a RebuildRow (events aliased `e`; `versions` as replayRowColumns). */
export const rebuildRowColumns = (versions: string) => `${replayRowColumns(versions, true)}, e.stream_id, e.transaction_id::text`;

/** A ReplayEvent with its transaction id (the rebuild orders item events across chunks by it). */
export type RebuildEvent = ReplayEvent & { readonly transactionId: string };

/** Decode a RebuildRow as decodeReplayRow does. @throws as decodeStoredRow. */
export function decodeRebuildRow(r: RebuildRow): RebuildEvent {
  const e = decodeReplayRow(r[8], r as unknown as ReplayRow) as ReplayEvent & { transactionId: string };
  e.transactionId = r[9];
  return e;
}

/**
 * The gap-safe catch-up read of PgEventLog.readAllGapSafe (DESIGN.md
 * decision 5: `(transaction_id, global_position)` order, only transactions
 * older than every running one), for the timeline projection and its
 * rebuild: same rows, same order, same checkpoint contract; rows decoded by
 * decodeStoredRow (current-version rows are not re-validated) and fetched in
 * array row mode. `limit` may be large (a rebuild reads pages of 20,000).
 * @param db the pool, or a client (the projector's transaction).
 * @throws Error for a malformed checkpoint or limit < 1; see decodeStoredRow.
 */
export async function readTimelineEvents(db: Pool | PoolClient, schema: string, after: Checkpoint, limit: number): Promise<StoredEvent[]> {
  assertCheckpoint(after);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer: ${limit}`);
  const res = await db.query<StoredRow>({
    text: `SELECT ${STORED_ROW_COLUMNS} FROM ${quoteSchema(schema)}.events AS e
      WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`,
    values: [after.transactionId, after.globalPosition, limit],
    rowMode: 'array',
  });
  const out = new Array<StoredEvent>(res.rows.length);
  for (let i = 0; i < res.rows.length; i++) out[i] = decodeStoredRow(res.rows[i]);
  return out;
}

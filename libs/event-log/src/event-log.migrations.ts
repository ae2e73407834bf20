import type { Migration } from './migrations';
import { DEAD_LETTERS_MIGRATION } from './dead-letters';

/**
 * Migration 11: `append_events(...)`, PgEventLog.append's one-round-trip path
 * (one statement in its own implicit transaction). The caller has computed
 * the chain from the stream heads it believes current; the function, in
 * order: takes the per-stream advisory locks (the same keys and fixed order
 * as the three-round-trip path, so both serialize against each other and no
 * row is locked or written before them: gap-safety, DESIGN.md decision 5);
 * locks the existing heads FOR UPDATE; then, each statement with a snapshot
 * taken after the locks,
 * - if any stream's head (position, hash; a missing head = 0 and the genesis
 *   hash) differs from what the caller chained from, returns every stream's
 *   actual head as rows `('head', stream, position, hash)` and writes nothing;
 * - otherwise inserts the events (global positions in batch order) and moves
 *   the heads to the given final positions and hashes, returning
 *   `('event', event_id, global_position)` per event. An event id already in
 *   the log fails the statement with a unique violation on event_id (nothing
 *   written; the caller then takes the path that reports duplicates): no
 *   separate lookup of the ids, the unique index checks them as it inserts.
 * `batch` rows: {o (batch order), i, s, p, t, v, d, m, ph, h} as the
 * events INSERT of the other path takes them. Function-local search_path =
 * the migrated schema (SET search_path FROM CURRENT).
 */
export const APPEND_FUNCTION_MIGRATION: Migration = {
  id: 11,
  name: 'event log: append_events, the one-round-trip append',
  sql: `
CREATE FUNCTION append_events(
  lock_prefix text, streams text[], expected_positions int[], expected_hashes text[],
  batch jsonb, final_positions int[], final_hashes text[], recorded timestamptz)
RETURNS TABLE (kind text, key text, pos bigint, hash text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(lock_prefix || ':' || s, 0)) FROM unnest(streams) AS s ORDER BY s COLLATE "C";
  PERFORM 1 FROM stream_heads h WHERE h.stream_id = ANY(streams) ORDER BY h.stream_id COLLATE "C" FOR UPDATE;
  IF EXISTS (
    SELECT 1 FROM unnest(streams, expected_positions, expected_hashes) AS u(s, ep, eh)
    LEFT JOIN stream_heads h ON h.stream_id = u.s
    WHERE coalesce(h.position, 0) <> u.ep OR coalesce(h.hash, repeat('0', 64)) <> u.eh
  ) THEN
    RETURN QUERY
      SELECT 'head'::text, u.s, coalesce(h.position, 0)::bigint, coalesce(h.hash, repeat('0', 64))
      FROM unnest(streams) AS u(s) LEFT JOIN stream_heads h ON h.stream_id = u.s;
    RETURN;
  END IF;
  RETURN QUERY
    WITH ins AS (
      INSERT INTO events (event_id, stream_id, stream_position, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
      SELECT u.i, u.s, u.p, u.t, u.v, u.d, u.m, recorded, u.ph, u.h
      FROM jsonb_to_recordset(batch) AS u(o int, i uuid, s text, p int, t text, v int, d jsonb, m jsonb, ph text, h text)
      ORDER BY u.o
      RETURNING events.event_id, events.global_position
    )
    SELECT 'event'::text, ins.event_id::text, ins.global_position, NULL::text FROM ins;
  INSERT INTO stream_heads AS h (stream_id, position, hash, updated_at)
  SELECT u.s, u.p, u.h, recorded
  FROM unnest(streams, final_positions, final_hashes) AS u(s, p, h)
  ORDER BY u.s COLLATE "C"
  ON CONFLICT (stream_id) DO UPDATE SET position = EXCLUDED.position, hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at;
END
$fn$;
`,
};

/**
 * Migration 12: drop `events_recorded_at_idx`. No query reads the log by
 * recorded_at alone: as-of reads (PgEventLog.readStream, libs/read-model
 * AuditQueries) bound recorded_at within ONE stream, which the
 * (stream_id, stream_position) index serves, and the health check's oldest
 * unapplied event is a range of the (transaction_id, global_position) index.
 * The index cost every append an insert into it (and its WAL).
 */
export const DROP_RECORDED_AT_INDEX_MIGRATION: Migration = {
  id: 12,
  name: 'event log: drop the unused recorded_at index',
  sql: `DROP INDEX IF EXISTS events_recorded_at_idx;`,
};

/**
 * Migrations of the event log (ids 1-99; the read model uses 100+).
 * Table names are unqualified: runMigrations sets the search_path.
 *
 * - `events`: the log, after message-db and Emmett (DESIGN.md decision 4).
 *   `transaction_id xid8` + the `(transaction_id, global_position)` index
 *   serve the gap-safe read (decision 5); `prev_hash`/`hash` the chain (decision 6).
 *   Stream positions start at 1 (Emmett, Marten).
 * - `stream_heads`: the sealed head of every stream (last position and hash;
 *   position 0 and the genesis hash = empty), the row writers lock, and what
 *   makes deleting a stream's newest events detectable.
 * - `checkpoints`: per projection, the last processed `(transaction_id, global_position)`.
 * - 11: `append_events`, the one-round-trip append (see APPEND_FUNCTION_MIGRATION).
 * - 12: drop the recorded_at index, which no query uses (DROP_RECORDED_AT_INDEX_MIGRATION).
 */
export const EVENT_LOG_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'event log: events, stream_heads, checkpoints',
    sql: `
CREATE TABLE events (
  global_position bigserial PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid        NOT NULL UNIQUE,
  stream_id       text        NOT NULL,
  stream_position int         NOT NULL CHECK (stream_position > 0),
  type            text        NOT NULL,
  schema_version  int         NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL,
  prev_hash       text        NOT NULL,
  hash            text        NOT NULL,
  UNIQUE (stream_id, stream_position)
);
CREATE INDEX events_transaction_id_global_position_idx ON events (transaction_id, global_position);
CREATE INDEX events_recorded_at_idx ON events (recorded_at);

CREATE TABLE stream_heads (
  stream_id  text        PRIMARY KEY,
  position   int         NOT NULL,
  hash       text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE checkpoints (
  name            text        PRIMARY KEY,
  transaction_id  xid8        NOT NULL,
  global_position bigint      NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
`,
  },
  DEAD_LETTERS_MIGRATION,
  APPEND_FUNCTION_MIGRATION,
  DROP_RECORDED_AT_INDEX_MIGRATION,
];

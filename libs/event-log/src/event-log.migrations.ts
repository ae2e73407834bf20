import type { Migration } from './migrations';
import { DEAD_LETTERS_MIGRATION } from './dead-letters';

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
];

import type { Pool, PoolClient } from 'pg';
import type { Migration } from './migrations';
import { quoteSchema, sqlState } from './sql';

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/**
 * Log-side migration 10: `dead_letters`, what the service gave up on.
 *
 * - source `writer`: a JetStream message the event-log writer could not
 *   append (invalid JSON, invalid events, too many deliveries); keyed by
 *   (stream, stream_seq); `payload` is the message body.
 * - source `projector:<projection>`: a stored event the projection could not
 *   apply (fails upcasting/validation, or its handler failed the same way
 *   PROJECTOR_MAX_ATTEMPTS times); keyed by (source, global_position); the
 *   projection's checkpoint moved past it, `story_id` names the story whose
 *   timeline lacks it.
 *
 * `attempts` is the JetStream delivery count (writer) or the projector's
 * attempt count; `redriven_at` is set by `timeline dead-letters redrive`
 * and cleared when the same message/event fails again.
 */
export const DEAD_LETTERS_MIGRATION: Migration = {
  id: 10,
  name: 'dead_letters',
  sql: `
CREATE TABLE dead_letters (
  id              bigserial   PRIMARY KEY,
  source          text        NOT NULL CHECK (source = 'writer' OR source LIKE 'projector:%'),
  subject         text,
  stream          text,
  stream_seq      bigint,
  msg_id          text,
  event_id        uuid,
  global_position bigint,
  stream_id       text,
  story_id        uuid,
  error           text        NOT NULL,
  attempts        int         NOT NULL,
  payload         text        NOT NULL,
  payload_encoding text       NOT NULL CHECK (payload_encoding IN ('utf8', 'base64')),
  first_failed_at timestamptz NOT NULL DEFAULT now(),
  last_failed_at  timestamptz NOT NULL DEFAULT now(),
  redriven_at     timestamptz
);
CREATE UNIQUE INDEX dead_letters_writer_key ON dead_letters (stream, stream_seq) WHERE source = 'writer';
CREATE UNIQUE INDEX dead_letters_projector_key ON dead_letters (source, global_position) WHERE source <> 'writer';
CREATE INDEX dead_letters_story_idx ON dead_letters (story_id) WHERE story_id IS NOT NULL;
`,
};

/** A dead letter to record (see {@link DEAD_LETTERS_MIGRATION} for the fields). */
export interface NewDeadLetter {
  source: 'writer' | `projector:${string}`;
  subject?: string;
  stream?: string;
  streamSeq?: number;
  msgId?: string;
  eventId?: string;
  globalPosition?: string;
  streamId?: string;
  storyId?: string;
  error: string;
  attempts: number;
  payload: Uint8Array | string;
}

/** A recorded dead letter (timestamps ISO 8601 UTC; `payload` decoded as UTF-8 or base64 per `payloadEncoding`). */
export interface DeadLetter {
  id: string;
  source: string;
  subject: string | null;
  stream: string | null;
  streamSeq: string | null;
  msgId: string | null;
  eventId: string | null;
  globalPosition: string | null;
  streamId: string | null;
  storyId: string | null;
  error: string;
  attempts: number;
  payload: string;
  payloadEncoding: 'utf8' | 'base64';
  firstFailedAt: string;
  lastFailedAt: string;
  redrivenAt: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Payload as Postgres text: UTF-8 when it is valid UTF-8 without U+0000, else base64. */
function encodePayload(p: Uint8Array | string): { text: string; encoding: 'utf8' | 'base64' } {
  if (typeof p === 'string') {
    // eslint-disable-next-line no-control-regex
    if (!/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(p)) return { text: p, encoding: 'utf8' };
    return { text: Buffer.from(p, 'utf8').toString('base64'), encoding: 'base64' };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(p);
    if (!text.includes('\u0000')) return { text, encoding: 'utf8' };
  } catch {
    // not UTF-8
  }
  return { text: Buffer.from(p).toString('base64'), encoding: 'base64' };
}

/**
 * Record (upsert) a dead letter. The same writer message (stream + sequence)
 * or the same projector event (source + global position) updates its row:
 * error, attempts, last_failed_at, and clears redriven_at (it failed again).
 * @returns the row id (decimal string).
 * @throws the pg error (the caller retries: a dead letter is never dropped silently).
 */
export async function recordDeadLetter(db: Queryable, schema: string, dl: NewDeadLetter): Promise<string> {
  const q = quoteSchema(schema);
  const p = encodePayload(dl.payload);
  const conflict = dl.source === 'writer' ? `(stream, stream_seq) WHERE source = 'writer'` : `(source, global_position) WHERE source <> 'writer'`;
  if (dl.source === 'writer' ? dl.stream === undefined || dl.streamSeq === undefined : dl.globalPosition === undefined) {
    throw new Error(`dead letter from ${dl.source} needs ${dl.source === 'writer' ? 'stream and streamSeq' : 'globalPosition'}`);
  }
  const r = await db.query<{ id: string }>(
    `INSERT INTO ${q}.dead_letters (source, subject, stream, stream_seq, msg_id, event_id, global_position, stream_id, story_id, error, attempts, payload, payload_encoding)
     VALUES ($1, $2, $3, $4, $5, $6::uuid, $7::bigint, $8, $9::uuid, $10, $11, $12, $13)
     ON CONFLICT ${conflict} DO UPDATE SET error = EXCLUDED.error, attempts = greatest(${q}.dead_letters.attempts, EXCLUDED.attempts),
       last_failed_at = now(), redriven_at = NULL
     RETURNING id::text AS id`,
    [
      dl.source,
      dl.subject ?? null,
      dl.stream ?? null,
      dl.streamSeq ?? null,
      dl.msgId ?? null,
      dl.eventId && UUID.test(dl.eventId) ? dl.eventId : null,
      dl.globalPosition ?? null,
      dl.streamId ?? null,
      dl.storyId && UUID.test(dl.storyId) ? dl.storyId : null,
      dl.error.slice(0, 4000),
      dl.attempts,
      p.text,
      p.encoding,
    ],
  );
  return r.rows[0].id;
}

/** Filters of {@link listDeadLetters}. */
export interface DeadLetterFilter {
  /** Only these ids (decimal strings). */
  ids?: string[];
  /** Only dead letters not redriven since they last failed. */
  pendingOnly?: boolean;
  /** Only this source ('writer' or 'projector:<name>'). */
  source?: string;
  /** Only this story. */
  storyId?: string;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

/** Dead letters, newest first. */
export async function listDeadLetters(db: Queryable, schema: string, f: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const q = quoteSchema(schema);
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.ids) {
    params.push(f.ids);
    where.push(`id = ANY($${params.length}::bigint[])`);
  }
  if (f.pendingOnly) where.push('redriven_at IS NULL');
  if (f.source) {
    params.push(f.source);
    where.push(`source = $${params.length}`);
  }
  if (f.storyId) {
    params.push(f.storyId);
    where.push(`story_id = $${params.length}::uuid`);
  }
  params.push(f.limit ?? 100);
  const iso = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const r = await db.query<DeadLetter>(
    `SELECT id::text AS id, source, subject, stream, stream_seq::text AS "streamSeq", msg_id AS "msgId", event_id::text AS "eventId",
            global_position::text AS "globalPosition", stream_id AS "streamId", story_id::text AS "storyId", error, attempts,
            payload, payload_encoding AS "payloadEncoding", ${iso('first_failed_at')} AS "firstFailedAt",
            ${iso('last_failed_at')} AS "lastFailedAt", ${iso('redriven_at')} AS "redrivenAt"
       FROM ${q}.dead_letters ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return r.rows;
}

/** Number of dead letters not redriven since they last failed, per source. */
export async function countDeadLetters(db: Queryable, schema: string): Promise<{ total: number; bySource: Record<string, number> }> {
  const r = await db.query<{ source: string; n: number }>(
    `SELECT source, count(*)::int AS n FROM ${quoteSchema(schema)}.dead_letters WHERE redriven_at IS NULL GROUP BY source`,
  );
  const bySource: Record<string, number> = {};
  let total = 0;
  for (const row of r.rows) {
    bySource[row.source] = row.n;
    total += row.n;
  }
  return { total, bySource };
}

/** Set redriven_at = now() on these ids. */
export async function markRedriven(db: Queryable, schema: string, ids: string[]): Promise<void> {
  await db.query(`UPDATE ${quoteSchema(schema)}.dead_letters SET redriven_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
}

/** Node socket error codes of a connection that failed or dropped. */
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * Whether an error is transient: retrying later may succeed without any
 * change to the data, so it must be retried forever and never
 * dead-lettered. True for Postgres SQLSTATE classes 08 (connection
 * exception), 40 (transaction rollback: serialization failure, deadlock),
 * 53 (insufficient resources), 57 (operator intervention: admin shutdown,
 * cannot connect now, query canceled), 58 (system error); for node socket
 * errors (ECONNREFUSED, ECONNRESET, ...); and for node-postgres' own
 * connection errors (connection terminated, connect timeout, client closed).
 * Codes: PostgreSQL manual, Appendix A "PostgreSQL Error Codes".
 */
export function isTransientError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = sqlState(e);
    if (code && /^(08|40|53|57|58)[0-9A-Z]{3}$/.test(code)) return true;
    if (code && TRANSIENT_NODE_CODES.has(code)) return true;
    const msg = e instanceof Error ? e.message : '';
    if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end|the database system is (starting up|shutting down)/i.test(msg)) {
      return true;
    }
  }
  return false;
}

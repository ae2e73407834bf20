import type { Pool, PoolClient } from 'pg';
import { canonicalJson, chainHashOfCanonical, GENESIS_HASH, InvalidEventError, NewEvent, StoredEvent, upcast, validateNewEvent } from '@timeline/events';
import { assertCheckpoint, expectedVersionMatches } from './checkpoint';
import { WrongExpectedVersionError } from './errors';
import { DEFAULT_SCHEMA, quoteSchema, RETRYABLE_SQLSTATES, sqlState } from './sql';
import type {
  AppendEventResult,
  AppendResult,
  Checkpoint,
  ExpectedVersion,
  LogStats,
  VerifyReport,
} from './types';
import { START_CHECKPOINT } from './types';
import { ChainRow, ChainVerifier, HeadsDigest } from './verify';

/** Something that runs a query: a pg.Pool or a pg.PoolClient. */
type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/** Options of PgEventLog. */
export interface PgEventLogOptions {
  /** Postgres schema holding the tables (default `timeline`). */
  schema?: string;
  /** Source of recorded_at (default `() => new Date()`); inject a fixed clock in tests. */
  clock?: () => Date;
}

/** Options of PgEventLog.append. */
export interface AppendOptions {
  /** Per stream id, the expected version (default `'any'` for every stream). Only streams in the batch may be named. */
  expectedVersions?: Record<string, ExpectedVersion>;
  /**
   * Append inside the caller's transaction: the caller has run BEGIN on this
   * client and will COMMIT (or roll back). No retry then. Without it, append
   * takes a pool client and runs its own transaction.
   */
  client?: PoolClient;
  /**
   * Every event is already the output of validateNewEvent (e.g. the writer's
   * controller validated what it received): skip re-validating it here
   * (≈ 23 µs of CPU per event). Event ids are still lower-cased.
   */
  validated?: boolean;
}

/** Options of PgEventLog.readStream. All bounds are inclusive. */
export interface ReadStreamOptions {
  /** Only events with stream_position <= this. */
  toStreamPosition?: number;
  /** Only events with global_position <= this (decimal string). */
  toGlobalPosition?: string;
  /** As-of replay: only events with recorded_at <= this ISO 8601 instant. */
  asOf?: string;
}

/** Raw row of the events table, every non-JS-safe type selected as text. */
export interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_position: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

/** recorded_at exactly as hashed: ISO 8601 UTC with milliseconds (as Date#toISOString). */
const RECORDED_AT_SQL = `to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The events table's columns as an {@link EventRow} (select list; qualify nothing, alias the table or not). */
export const EVENT_COLUMNS = `global_position::text AS global_position, transaction_id::text AS transaction_id,
  event_id::text AS event_id, stream_id, stream_position, type, schema_version, data, metadata,
  ${RECORDED_AT_SQL} AS recorded_at, prev_hash, hash`;

/** Internal: a concurrent writer appended one of our event ids under another stream; retry the whole append. */
class AppendRaceError extends Error {}

/** A unique violation on events.event_id: a concurrent writer appended one of our ids under another stream (retry: it is then a duplicate). */
function isEventIdRace(err: unknown): boolean {
  return sqlState(err) === '23505' && /event_id/.test(String((err as { constraint?: unknown }).constraint ?? ''));
}

const MAX_APPEND_ATTEMPTS = 5;
/** Stream heads remembered for the one-statement append (most recently appended kept). */
const MAX_CACHED_HEADS = 10_000;

type Head = { position: number; hash: string };

/**
 * Stream positions and chain hashes of `fresh` (in batch order) from `heads`
 * (moved on in place), and the events INSERT's rows as one JSON array
 * `[{o, i, s, p, t, v, d, m, ph, h}]`. The canonical JSON of data and
 * metadata is made once: it is both the chain hash's input and the stored
 * jsonb's text.
 */
function chainBatch(fresh: readonly NewEvent[], heads: Map<string, Head>, recordedAt: string): { json: string; positions: number[] } {
  const rows: string[] = [];
  const positions: number[] = [];
  for (let o = 0; o < fresh.length; o++) {
    const e = fresh[o];
    const head = heads.get(e.streamId)!;
    const streamPosition = head.position + 1;
    const d = canonicalJson(e.data);
    const m = canonicalJson(e.metadata);
    const hash = chainHashOfCanonical(head.hash, { eventId: e.eventId, streamId: e.streamId, streamPosition, type: e.type, schemaVersion: e.schemaVersion, recordedAt }, d, m);
    rows.push(
      `{"o":${o},"i":${JSON.stringify(e.eventId)},"s":${JSON.stringify(e.streamId)},"p":${streamPosition},"t":${JSON.stringify(e.type)},` +
        `"v":${e.schemaVersion},"d":${d},"m":${m},"ph":"${head.hash}","h":"${hash}"}`,
    );
    positions.push(streamPosition);
    heads.set(e.streamId, { position: streamPosition, hash });
  }
  return { json: `[${rows.join(',')}]`, positions };
}
const VERIFY_PAGE = 1000;

/**
 * The Postgres event log (DESIGN.md decisions 3-6): an append-only `events`
 * table with per-stream positions, a global position, the appending
 * transaction's xid8, and a hash chain per stream sealed by `stream_heads`.
 *
 * All SQL names its tables with the schema (never `search_path`), so one
 * pool can serve several schemas and nothing depends on session state
 * (which PGlite shares between connections).
 */
export class PgEventLog {
  readonly schema: string;
  private readonly t: { events: string; heads: string; checkpoints: string };
  private readonly clock: () => Date;
  /**
   * Heads of the streams this instance appended to last (as committed), the
   * guess of the one-statement append; never trusted: append_events compares
   * them with the locked heads.
   */
  private readonly knownHeads = new Map<string, Head>();

  /**
   * @param pool pg pool of the database holding the log (migrated with EVENT_LOG_MIGRATIONS).
   * @param opts.schema Postgres schema, default `timeline`.
   * @param opts.clock  source of recorded_at, default `() => new Date()`.
   * @throws Error when the schema name is not a plain lower-case identifier.
   */
  constructor(
    private readonly pool: Pool,
    opts: PgEventLogOptions = {},
  ) {
    this.schema = opts.schema ?? DEFAULT_SCHEMA;
    const q = quoteSchema(this.schema);
    this.t = { events: `${q}.events`, heads: `${q}.stream_heads`, checkpoints: `${q}.checkpoints` };
    this.clock = opts.clock ?? (() => new Date());
  }

  /**
   * Append a batch of events in ONE transaction.
   *
   * - Every event is checked with validateNewEvent first; one bad event rejects
   *   the whole batch with an InvalidEventError naming its index, id and field.
   * - An event whose id is already in the log, or earlier in the batch, is a
   *   silent no-op reported as `duplicate` with the stored positions
   *   (DESIGN.md decision 3: at-least-once delivery + idempotent append).
   * - Per stream (advisory-locked in sorted order, so concurrent writers
   *   cannot deadlock): the sealed head is locked `FOR UPDATE` (a missing one
   *   is position 0 / GENESIS_HASH and is created when the head moves), the
   *   expected version is checked against it, new events get
   *   the next contiguous stream positions (first event = 1), `hash =
   *   chainHash(prevHash, event)` with `recordedAt = clock().toISOString()`
   *   (one instant per batch, stored as recorded_at), and the head moves on.
   * - Events are written by one multi-row INSERT (the batch as one JSON
   *   parameter), global positions in batch order. ONE round trip when this
   *   instance knows the streams' heads (it appended to them last) or the
   *   streams are new and nothing in the batch is logged yet
   *   (appendInOneStatement, the `append_events` function); otherwise, or
   *   on the caller's client, three (appendInTransaction).
   * - `validated: true` skips validateNewEvent for events that are already
   *   its output (the writer's controller validated them).
   * - A stream whose events in this batch are ALL duplicates skips its
   *   expected-version check, so a redelivered batch succeeds as a no-op.
   *
   * Two writers appending the same events concurrently: the second waits on
   * the stream lock, then sees the first's rows and reports them duplicate.
   * Deadlocks, serialization failures and an id race across streams (a unique
   * violation on event_id) are retried (up to 5 attempts) when append runs its
   * own transaction; on the caller's client they are thrown (roll back).
   *
   * @returns one AppendEventResult per input event, in input order.
   * @throws InvalidEventError when an event fails validation (nothing written).
   * @throws WrongExpectedVersionError (stream, expected, actual) on a version conflict (nothing written).
   * @throws Error when expectedVersions names a stream that has no event in the batch.
   */
  async append(events: readonly NewEvent[], opts: AppendOptions = {}): Promise<AppendResult> {
    if (events.length === 0) return { events: [], appended: 0, duplicates: 0 };
    const valid = opts.validated
      ? events.map((e) => (e.eventId === e.eventId.toLowerCase() ? e : ({ ...e, eventId: e.eventId.toLowerCase() } as NewEvent)))
      : events.map((raw, i) => {
          try {
            const e = validateNewEvent(raw);
            return { ...e, eventId: e.eventId.toLowerCase() } as NewEvent;
          } catch (err) {
            const id = (raw as { eventId?: unknown } | null)?.eventId;
            const path = err instanceof InvalidEventError ? err.path : '(root)';
            throw new InvalidEventError(
              `append rejected: event #${i} (id ${typeof id === 'string' ? id : 'missing'}) is invalid: ${(err as Error).message}`,
              path,
            );
          }
        });
    const expected = opts.expectedVersions ?? {};
    const streamsInBatch = new Set(valid.map((e) => e.streamId));
    for (const [stream, v] of Object.entries(expected)) {
      if (!streamsInBatch.has(stream)) throw new Error(`expectedVersions names stream ${stream}, which has no event in the batch`);
      if (v !== 'any' && v !== 'no_stream' && !(Number.isInteger(v) && v >= 0)) {
        throw new Error(`expected version of stream ${stream} must be 'any', 'no_stream' or an integer >= 0: ${String(v)}`);
      }
    }
    if (opts.client) return this.appendInTransaction(opts.client, valid, expected, false);

    for (let attempt = 1; ; attempt++) {
      let client: PoolClient | undefined;
      try {
        const done = await this.appendInOneStatement(valid, expected);
        if (done) return done;
        client = await this.pool.connect();
        return await this.appendInTransaction(client, valid, expected, true);
      } catch (err) {
        if (client) await client.query('ROLLBACK').catch(() => undefined);
        for (const e of valid) this.knownHeads.delete(e.streamId); // outcome unknown: guess nothing
        const retry = err instanceof AppendRaceError || isEventIdRace(err) || RETRYABLE_SQLSTATES.has(sqlState(err) ?? '');
        if (!retry || attempt >= MAX_APPEND_ATTEMPTS) throw err;
      } finally {
        client?.release();
      }
    }
  }

  /** Remember committed heads (bounded; the most recently appended streams kept). */
  private rememberHeads(heads: Iterable<[string, Head]>): void {
    for (const [stream, h] of heads) {
      this.knownHeads.delete(stream);
      this.knownHeads.set(stream, h);
    }
    for (const stream of this.knownHeads.keys()) {
      if (this.knownHeads.size <= MAX_CACHED_HEADS) break;
      this.knownHeads.delete(stream);
    }
  }

  /**
   * The append in ONE round trip: one statement, `append_events(...)`
   * (migration 11), in its own implicit transaction. The chain is computed
   * from the heads this instance last committed (a stream it has not seen:
   * position 0 / GENESIS_HASH); the function checks them against the locked
   * heads and writes only when they match and no event id is in the log yet.
   * A mismatch hands back the actual heads, and the chain is computed again
   * from them once. Same guarantees as appendInTransaction: advisory locks
   * first, expected versions checked against the heads the chain was
   * computed from, which are verified to be the locked ones.
   * @returns null when the three-round-trip path must decide: an event id
   *   already in the log (a unique violation on event_id, nothing written:
   *   duplicates to report), an expected version that
   *   does not match the guessed head, or heads that moved twice under us.
   */
  private async appendInOneStatement(events: NewEvent[], expected: Record<string, ExpectedVersion>): Promise<AppendResult | null> {
    const fresh: NewEvent[] = [];
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.eventId)) continue;
      seen.add(e.eventId);
      fresh.push(e);
    }
    const streams = [...new Set(fresh.map((e) => e.streamId))].sort();
    for (let round = 0; round < 2; round++) {
      const start = new Map<string, Head>(streams.map((s) => [s, this.knownHeads.get(s) ?? { position: 0, hash: GENESIS_HASH }]));
      for (const [stream, exp] of Object.entries(expected)) {
        if (!expectedVersionMatches(exp, start.get(stream)!.position)) return null;
      }
      const recordedAt = this.clock().toISOString();
      const heads = new Map(start);
      const { json, positions } = chainBatch(fresh, heads, recordedAt);
      // unnamed statement: the embedded server (one shared session) allows no named prepared statements
      let r: { rows: Array<{ kind: string; key: string; pos: string; hash: string | null }> };
      try {
        r = await this.pool.query(
          `SELECT kind, key, pos::text AS pos, hash FROM ${quoteSchema(this.schema)}.append_events($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            this.schema,
            streams,
            streams.map((s) => start.get(s)!.position),
            streams.map((s) => start.get(s)!.hash),
            json,
            streams.map((s) => heads.get(s)!.position),
            streams.map((s) => heads.get(s)!.hash),
            recordedAt,
          ],
        );
      } catch (err) {
        // an id already in the log (a redelivery: duplicates to report) or a concurrent writer's: nothing was written
        if (isEventIdRace(err)) return null;
        throw err;
      }
      const kind = r.rows[0]?.kind;
      if (kind === 'head') {
        this.rememberHeads(r.rows.map((x) => [x.key, { position: Number(x.pos), hash: x.hash! }] as [string, Head]));
        continue;
      }
      if (r.rows.length !== fresh.length || kind !== 'event') throw new Error(`append_events returned ${r.rows.length} rows (${kind}) for ${fresh.length} events`);
      this.rememberHeads(heads);
      const placed = new Map<string, { streamId: string; streamPosition: number; globalPosition: string }>();
      fresh.forEach((e, i) => placed.set(e.eventId, { streamId: e.streamId, streamPosition: positions[i], globalPosition: '' }));
      for (const x of r.rows) placed.get(x.key)!.globalPosition = x.pos;
      const reported = new Set<string>();
      const out: AppendEventResult[] = events.map((e) => {
        const p = placed.get(e.eventId)!;
        const status = reported.has(e.eventId) ? 'duplicate' : 'appended';
        reported.add(e.eventId);
        return { eventId: e.eventId, status, ...p };
      });
      return { events: out, appended: fresh.length, duplicates: events.length - fresh.length };
    }
    return null;
  }

  /**
   * The append itself, in THREE round trips when it runs its own transaction
   * (two on the caller's client):
   *
   * 1. one simple-protocol query of several statements (each gets its own
   *    snapshot, as every statement of a READ COMMITTED transaction does):
   *    `BEGIN` (own transaction only); the per-stream advisory locks; the
   *    sealed heads `FOR UPDATE`; the ids already in the log. Values are
   *    inlined as escaped literals (the simple protocol takes no parameters);
   * 2. ONE statement: the events INSERT (the batch as one JSON parameter,
   *    global positions in batch order) with the heads upsert as a
   *    data-modifying CTE;
   * 3. `COMMIT` (own transaction only).
   *
   * Chain hashes are computed in JS between 1 and 2, from the locked heads.
   */
  private async appendInTransaction(
    client: PoolClient,
    events: NewEvent[],
    expected: Record<string, ExpectedVersion>,
    ownTransaction: boolean,
  ): Promise<AppendResult> {
    const recordedAt = this.clock().toISOString();
    const streams = [...new Set(events.map((e) => e.streamId))].sort();
    const ids = [...new Set(events.map((e) => e.eventId))];
    const lit = (v: string) => client.escapeLiteral(v);
    const streamArray = `ARRAY[${streams.map(lit).join(',')}]::text[]`;

    // 0. Serialize writers per stream BEFORE this transaction writes anything.
    //    Advisory locks assign no transaction id, so a transaction gets its
    //    xid (at its first row lock or write, below) only after every earlier
    //    writer of its streams has committed: per stream, xid order = stream
    //    position order, and the gap-safe reader, which orders by
    //    (transaction_id, global_position), folds each stream in stream order
    //    even with several writer instances. Fixed (byte) order: no deadlock.
    // 1. Lock the existing heads in the same fixed order (a missing head is
    //    position 0 / GENESIS_HASH; nobody else can create it while we hold
    //    the stream's advisory lock; the upsert in step 6 creates it).
    // 2. Under the locks, find ids already in the log (committed by anyone
    //    before we got the locks: this statement's snapshot is taken after
    //    the lock statement returned).
    const results = (await client.query(
      `${ownTransaction ? 'BEGIN;\n' : ''}` +
        `SELECT pg_advisory_xact_lock(hashtextextended(${lit(this.schema)} || ':' || s, 0)) FROM unnest(${streamArray}) AS s ORDER BY s COLLATE "C";\n` +
        `SELECT stream_id, position, hash FROM ${this.t.heads} WHERE stream_id = ANY(${streamArray}) ORDER BY stream_id COLLATE "C" FOR UPDATE;\n` +
        `SELECT event_id::text AS event_id, stream_id, stream_position, global_position::text AS global_position FROM ${this.t.events} ` +
        `WHERE event_id = ANY(ARRAY[${ids.map(lit).join(',')}]::uuid[])`,
    )) as unknown as Array<{ rows: any[] }>;
    const [headRows, existingRows] = results.slice(-2) as [
      { rows: Array<{ stream_id: string; position: number; hash: string }> },
      { rows: Array<{ event_id: string; stream_id: string; stream_position: number; global_position: string }> },
    ];
    const heads = new Map<string, { position: number; hash: string }>(streams.map((s) => [s, { position: 0, hash: GENESIS_HASH }]));
    for (const r of headRows.rows) heads.set(r.stream_id, { position: r.position, hash: r.hash });

    const placed = new Map<string, { streamId: string; streamPosition: number; globalPosition: string; isNew: boolean }>();
    for (const r of existingRows.rows) {
      placed.set(r.event_id, { streamId: r.stream_id, streamPosition: r.stream_position, globalPosition: r.global_position, isNew: false });
    }

    // 3. New events: first occurrence of an id not yet in the log.
    const fresh: NewEvent[] = [];
    const seen = new Set<string>();
    for (const e of events) {
      if (placed.has(e.eventId) || seen.has(e.eventId)) continue;
      seen.add(e.eventId);
      fresh.push(e);
    }

    // 4. Expected versions, for streams that get new events.
    const freshStreams = new Set(fresh.map((e) => e.streamId));
    for (const [stream, exp] of Object.entries(expected)) {
      if (!freshStreams.has(stream)) continue;
      const actual = heads.get(stream)!.position;
      if (!expectedVersionMatches(exp, actual)) throw new WrongExpectedVersionError(stream, exp, actual);
    }

    if (fresh.length > 0) {
      // 5. Positions and chain hashes; the rows as one JSON array (batch order = o).
      const { json, positions } = chainBatch(fresh, heads, recordedAt);
      fresh.forEach((e, o) => placed.set(e.eventId, { streamId: e.streamId, streamPosition: positions[o], globalPosition: '', isNew: true }));
      const moved = [...freshStreams].sort();

      // 6. One statement: the events INSERT (global positions in batch order) and the sealed heads
      //    moved on (created when missing). No ON CONFLICT: an event id that a concurrent writer
      //    appended under ANOTHER stream (so our stream lock did not serialize us) is a unique
      //    violation; the transaction rolls back and is retried (isEventIdRace), and the retry
      //    reports that id as a duplicate.
      const inserted = await client.query<{ event_id: string; global_position: string }>(
        `WITH ins AS (
           INSERT INTO ${this.t.events}
             (event_id, stream_id, stream_position, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
           SELECT u.i, u.s, u.p, u.t, u.v, u.d, u.m, $2::timestamptz, u.ph, u.h
           FROM jsonb_to_recordset($1::jsonb) AS u(o int, i uuid, s text, p int, t text, v int, d jsonb, m jsonb, ph text, h text)
           ORDER BY u.o
           RETURNING event_id::text AS event_id, global_position::text AS global_position
         ), heads AS (
           INSERT INTO ${this.t.heads} AS h (stream_id, position, hash, updated_at)
           SELECT u.stream_id, u.position, u.hash, $2::timestamptz
           FROM unnest($3::text[], $4::int[], $5::text[]) AS u(stream_id, position, hash)
           ORDER BY u.stream_id COLLATE "C"
           ON CONFLICT (stream_id) DO UPDATE SET position = EXCLUDED.position, hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at
         )
         SELECT event_id, global_position FROM ins`,
        [json, recordedAt, moved, moved.map((s) => heads.get(s)!.position), moved.map((s) => heads.get(s)!.hash)],
      );
      if (inserted.rows.length !== fresh.length) {
        throw new AppendRaceError('a concurrent append wrote one of these event ids under another stream');
      }
      for (const r of inserted.rows) placed.get(r.event_id)!.globalPosition = r.global_position;
    }
    if (ownTransaction) {
      await client.query('COMMIT');
      this.rememberHeads(heads);
    }

    const out: AppendEventResult[] = [];
    const reported = new Set<string>();
    let appended = 0;
    for (const e of events) {
      const p = placed.get(e.eventId)!;
      const status = p.isNew && !reported.has(e.eventId) ? 'appended' : 'duplicate';
      reported.add(e.eventId);
      if (status === 'appended') appended += 1;
      out.push({ eventId: e.eventId, status, streamId: p.streamId, streamPosition: p.streamPosition, globalPosition: p.globalPosition });
    }
    return { events: out, appended, duplicates: events.length - appended };
  }

  /**
   * Read one stream in stream-position order, each event upcast (upcast() of
   * @timeline/events) to its current schema version, then validated.
   * Bounds (all inclusive) serve audit replay: `toStreamPosition`,
   * `toGlobalPosition` (decimal string) and `asOf` (ISO instant, on recorded_at).
   * @returns [] for an unknown stream.
   * @throws Error naming the global position of a stored event that cannot be upcast or fails validation.
   */
  async readStream(streamId: string, opts: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const where = ['stream_id = $1'];
    const params: unknown[] = [streamId];
    if (opts.toStreamPosition !== undefined) {
      params.push(opts.toStreamPosition);
      where.push(`stream_position <= $${params.length}`);
    }
    if (opts.toGlobalPosition !== undefined) {
      params.push(opts.toGlobalPosition);
      where.push(`global_position <= $${params.length}::bigint`);
    }
    if (opts.asOf !== undefined) {
      if (Number.isNaN(Date.parse(opts.asOf))) throw new Error(`asOf must be an ISO 8601 instant: ${opts.asOf}`);
      params.push(opts.asOf);
      where.push(`recorded_at <= $${params.length}::timestamptz`);
    }
    const res = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.t.events} WHERE ${where.join(' AND ')} ORDER BY stream_position`,
      params,
    );
    return res.rows.map(toStoredEvent);
  }

  /**
   * Gap-safe catch-up read (DESIGN.md decision 5): up to `limit` events after
   * `after` in `(transaction_id, global_position)` order, only from
   * transactions older than every transaction still running
   * (`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`). A global
   * position is taken before commit, so commits land out of position order;
   * this read never returns an event past one that may still commit, and
   * returns each committed event exactly once across successive calls that
   * pass the checkpoint of the last event returned (checkpointOf(event)).
   *
   * @param after  checkpoint (START_CHECKPOINT to read from the beginning).
   * @param limit  max events, >= 1.
   * @param client run on this client (e.g. the projector's transaction); default the pool.
   * @returns upcast, validated events; [] when nothing is safely readable.
   */
  async readAllGapSafe(after: Checkpoint, limit: number, client?: PoolClient): Promise<StoredEvent[]> {
    assertCheckpoint(after);
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer: ${limit}`);
    const db: Queryable = client ?? this.pool;
    const res = await db.query<EventRow>(
      // ORDER BY names the table's columns explicitly: the bare names would bind to
      // EVENT_COLUMNS' text aliases and sort "10" before "2" (events skipped).
      `SELECT ${EVENT_COLUMNS} FROM ${this.t.events} AS e
       WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       ORDER BY e.transaction_id, e.global_position
       LIMIT $3`,
      [after.transactionId, after.globalPosition, limit],
    );
    return res.rows.map(toStoredEvent);
  }

  /**
   * The saved checkpoint of a projection, or START_CHECKPOINT when it has none.
   * @param client read on this client (pass the projector's transaction client with `forUpdate`
   *               to serialize concurrent instances of one projection on the checkpoint row).
   * @param opts.forUpdate lock the checkpoint row until the client's transaction ends.
   */
  async getCheckpoint(name: string, client?: PoolClient, opts: { forUpdate?: boolean } = {}): Promise<Checkpoint> {
    const db: Queryable = client ?? this.pool;
    const res = await db.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
       FROM ${this.t.checkpoints} WHERE name = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      [name],
    );
    if (res.rows.length === 0) return START_CHECKPOINT;
    return { transactionId: res.rows[0].transaction_id, globalPosition: res.rows[0].global_position };
  }

  /**
   * Save (upsert) a projection's checkpoint on the caller's client, so it
   * commits in the same transaction as the read-model rows it covers.
   * @throws Error when the checkpoint fields are not decimal strings.
   */
  async saveCheckpoint(name: string, cp: Checkpoint, client: PoolClient | Pool): Promise<void> {
    assertCheckpoint(cp);
    await client.query(
      `INSERT INTO ${this.t.checkpoints} (name, transaction_id, global_position, updated_at)
       VALUES ($1, $2::xid8, $3::bigint, now())
       ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
         global_position = EXCLUDED.global_position, updated_at = EXCLUDED.updated_at`,
      [name, cp.transactionId, cp.globalPosition],
    );
  }

  /** Delete a projection's checkpoint (a rebuild then starts from the beginning). */
  async deleteCheckpoint(name: string, client?: PoolClient): Promise<void> {
    const db: Queryable = client ?? this.pool;
    await db.query(`DELETE FROM ${this.t.checkpoints} WHERE name = $1`, [name]);
  }

  /** Highest global position in the log (committed), decimal string; '0' when the log is empty. */
  async headPosition(): Promise<string> {
    const res = await this.pool.query<{ p: string }>(`SELECT coalesce(max(global_position), 0)::text AS p FROM ${this.t.events}`);
    return res.rows[0].p;
  }

  /**
   * Lag of one projection: the log's head, the projection's checkpoint and the
   * number of committed events after that checkpoint (in (transaction_id,
   * global_position) order, including events not yet safe to read).
   */
  async stats(checkpointName: string): Promise<LogStats> {
    const checkpoint = await this.getCheckpoint(checkpointName);
    const res = await this.pool.query<{ head: string; behind: string }>(
      `SELECT (SELECT coalesce(max(global_position), 0) FROM ${this.t.events})::text AS head,
              (SELECT count(*) FROM ${this.t.events}
                WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint))::text AS behind`,
      [checkpoint.transactionId, checkpoint.globalPosition],
    );
    return { lastGlobalPosition: res.rows[0].head, checkpoint, eventsBehind: Number(res.rows[0].behind) };
  }

  /**
   * Verify every stream's hash chain (DESIGN.md decision 6): recompute it from
   * GENESIS_HASH in stream-position order over the raw stored rows, expect
   * positions 1, 2, 3, ..., and compare each stream's last row with its sealed
   * head. Detects an edited row (hash_mismatch), a deleted or renumbered
   * middle row (position_gap / prev_hash_mismatch), deleted newest rows and a
   * row appended behind the writer's back (head_mismatch), events without a
   * head (missing_head). Reads keyset pages of 1000 rows, never the whole log.
   *
   * An attacker who can rewrite both rows and heads is caught only by
   * comparing `headsDigest` with a copy kept outside the database.
   *
   * @param opts.onProgress called after each page with the number of events checked so far.
   */
  async verifyChains(opts: { onProgress?: (n: number) => void } = {}): Promise<VerifyReport> {
    const v = new ChainVerifier();
    let after: [string, number] = ['', 0];
    for (;;) {
      const res = await this.pool.query<EventRow & { head_position: number | null; head_hash: string | null }>(
        `SELECT e.event_id::text AS event_id, e.stream_id, e.stream_position, e.type, e.schema_version, e.data, e.metadata,
                to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
                e.prev_hash, e.hash, h.position AS head_position, h.hash AS head_hash
         FROM ${this.t.events} e LEFT JOIN ${this.t.heads} h ON h.stream_id = e.stream_id
         WHERE (e.stream_id, e.stream_position) > ($1::text, $2::int)
         ORDER BY e.stream_id, e.stream_position
         LIMIT ${VERIFY_PAGE}`,
        after,
      );
      for (const r of res.rows) v.push(toChainRow(r));
      opts.onProgress?.(v.events);
      if (res.rows.length < VERIFY_PAGE) break;
      const last = res.rows[res.rows.length - 1];
      after = [last.stream_id, last.stream_position];
    }
    v.finish();

    // Heads: digest all of them, and flag heads whose stream lost every row.
    const digest = new HeadsDigest();
    let afterHead = '';
    let first = true;
    for (;;) {
      const res = await this.pool.query<{ stream_id: string; position: number; hash: string; has_events: boolean }>(
        `SELECT h.stream_id, h.position, h.hash,
                EXISTS (SELECT 1 FROM ${this.t.events} e WHERE e.stream_id = h.stream_id) AS has_events
         FROM ${this.t.heads} h
         WHERE ${first ? 'TRUE' : 'h.stream_id COLLATE "C" > $1'}
         ORDER BY h.stream_id COLLATE "C"
         LIMIT ${VERIFY_PAGE}`,
        first ? [] : [afterHead],
      );
      first = false;
      for (const h of res.rows) {
        digest.add(h.stream_id, h.position, h.hash);
        if (!h.has_events && h.position > 0) v.headWithoutEvents(h.stream_id, h.position);
      }
      if (res.rows.length < VERIFY_PAGE) break;
      afterHead = res.rows[res.rows.length - 1].stream_id;
    }

    const problems = [...v.problems];
    return {
      ok: problems.length === 0,
      streamsChecked: v.streams,
      eventsChecked: v.events,
      firstProblem: problems[0],
      problems,
      headsDigest: digest.digest(),
    };
  }
}

function toChainRow(r: EventRow & { head_position: number | null; head_hash: string | null }): ChainRow {
  return {
    streamId: r.stream_id,
    streamPosition: r.stream_position,
    eventId: r.event_id,
    type: r.type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    recordedAt: r.recorded_at,
    prevHash: r.prev_hash,
    hash: r.hash,
    headPosition: r.head_position,
    headHash: r.head_hash,
  };
}

/**
 * A stored row as a StoredEvent: upcast to the current schema version, then validated.
 * @throws Error naming the event's global position, stream and position.
 */
export function toStoredEvent(r: EventRow): StoredEvent {
  try {
    const up = upcast({ type: r.type, schemaVersion: r.schema_version, data: r.data });
    const e = validateNewEvent({
      eventId: r.event_id,
      streamId: r.stream_id,
      type: up.type,
      schemaVersion: up.schemaVersion,
      data: up.data,
      metadata: r.metadata,
    });
    return {
      ...e,
      streamPosition: r.stream_position,
      globalPosition: r.global_position,
      transactionId: r.transaction_id,
      recordedAt: r.recorded_at,
      hash: r.hash,
      prevHash: r.prev_hash,
    } as StoredEvent;
  } catch (err) {
    const msg = `stored event at global position ${r.global_position} (stream ${r.stream_id} position ${r.stream_position}) cannot be read: ${(err as Error).message}`;
    if (err instanceof InvalidEventError) throw new InvalidEventError(msg, err.path);
    throw new Error(msg);
  }
}

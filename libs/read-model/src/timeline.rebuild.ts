import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { StoredEvent, storyStream } from '@timeline/events';
import { Checkpoint, checkpointOf, compareCheckpoints, PgEventLog, quoteSchema, START_CHECKPOINT } from '@timeline/event-log';
import { mergeStorySignatures, storedSignature, updateStorySignature, StorySignature } from '@timeline/extraction';
import { evolveStories, MAX_MERGE_HOPS, resolveStory, saidAtSortKey, StoryTimeline, TimelineStatement } from '@timeline/timeline';
import { currentVersionsJson, decodeRebuildRow, RebuildEvent, RebuildRow, rebuildRowColumns } from './log-read';
import {
  asExtracted, foldTimelineBatch, itemVersionKey, loadStoryStates, projectionLockKey, READ_MODEL_TABLES, RmTables, rmTables, storedStateJson, statementsByItemVersion, storiesOfEvents,
  TIMELINE_PROJECTION, writeTimelineRows,
} from './timeline.projection';

/** Progress of a rebuild, reported after every batch. */
export interface RebuildProgress {
  /** bulk: reading and folding the log; write: COPY of the folded rows; index: building indexes; switch; done. */
  readonly phase: 'bulk' | 'write' | 'index' | 'switch' | 'done';
  readonly generation: number;
  /** Events folded into the new generation so far. */
  readonly applied: number;
  /** Events in the log now (estimate of the total; grows while the log grows). */
  readonly total: number;
  /** Since the rebuild started. */
  readonly elapsedMs: number;
}

/** Options of rebuildTimeline. */
export interface RebuildOptions {
  schema: string;
  /** Only `timeline` exists (default). */
  projection?: string;
  /**
   * Bulk phase: events per chunk of streams (whole stories; default 20,000:
   * memory holds about two chunks' events and states). Switch: events per gap-safe read.
   */
  batchSize?: number;
  /** lock_timeout of the switch transaction, ms (default 10,000); the switch is retried up to 3 times. */
  lockTimeoutMs?: number;
  /** Keep the previous generation's tables (renamed `rm_*_g<n>`) instead of dropping them. */
  keepPrevious?: boolean;
  /** Called after every chunk and phase; a returned promise is awaited before the rebuild goes on. */
  onProgress?: (p: RebuildProgress) => void | Promise<void>;
}

/** Result of rebuildTimeline. */
export interface RebuildReport {
  readonly projection: string;
  /** The generation now serving, and the one it replaced. */
  readonly generation: number;
  readonly previousGeneration: number;
  /** Events folded in all (bulk + catch-up in the switch). */
  readonly events: number;
  /** Of those, folded inside the switch transaction (while the live projector was paused). */
  readonly switchEvents: number;
  readonly stories: number;
  readonly durationMs: number;
  /** Time the switch transaction held the projection lock, ms. */
  readonly switchMs: number;
  readonly eventsPerSecond: number;
  readonly checkpoint: Checkpoint;
}

/**
 * Rebuild the timeline read model without downtime (Marten's "rebuild is
 * routine"):
 *
 * 1. A new generation n gets empty tables `rm_*_g<n>` (LIKE the serving ones)
 *    and a row in `rm_generations` (status building). Leftovers of a crashed
 *    rebuild are dropped first.
 * 2. Bulk: the gap-safe head `cp` is fixed (the last event of the
 *    transactions older than every running one: nothing at or before it can
 *    still appear). The log's streams are cut into chunks of about
 *    `batchSize` events (whole streams: a story's events are on its own
 *    stream; the streams of a merge family, the survivor's and the merged
 *    stories', in one chunk: mergeFamilies, chunkStreams); per chunk, one
 *    short query reads its events up to `cp` in gap-safe order (never one
 *    long transaction: it would hold back every gap-safe reader, the live
 *    projector included), the shared fold (evolveStories: a merge absorbs
 *    the merged stories into the survivor) folds them (the next chunk is
 *    read meanwhile), and the chunk's final rows are COPYed into the
 *    index-less generation tables (signatures from the items' full text,
 *    as the live projection computes them); then its states are dropped.
 *    Current items are written at the end (the story of a uri is the one
 *    holding its latest item event's, across chunks), then the indexes are built.
 *    The serving tables and the live projector are untouched meanwhile.
 * 3. Switch, in ONE transaction: take the live projection's advisory lock
 *    (blocking: the running projector's next step finds it taken and waits
 *    its turn — it is paused, not stopped), catch up with the rest of the
 *    log into the new tables (the touched states, and the survivors of merged
 *    ones, loaded from them, as the projector loads them), move the `timeline` checkpoint to the new
 *    generation's position, rename the serving tables to `rm_*_g<old>` and
 *    the new ones to `rm_*`, mark the generations, COMMIT. Readers see the old
 *    tables until the commit and the new ones after (a query waiting on the
 *    rename re-resolves the name); the projector resumes on the new tables
 *    from the moved checkpoint.
 * 4. The previous generation's tables are dropped (unless keepPrevious).
 *
 * Memory: about two chunks (events and folded states) plus a few strings per
 * item version, whatever the log's length; a story larger than `batchSize`
 * is a chunk of its own.
 * @throws Error for an unknown projection or a batchSize that is not a positive integer (before anything is
 *   created); the database error otherwise (the
 *   serving generation is untouched; the half-built one is dropped by the next rebuild).
 */
export async function rebuildTimeline(pool: Pool, log: PgEventLog, opts: RebuildOptions): Promise<RebuildReport> {
  const projection = opts.projection ?? TIMELINE_PROJECTION;
  if (projection !== TIMELINE_PROJECTION) throw new Error(`unknown projection "${projection}" (known: ${TIMELINE_PROJECTION})`);
  // One rebuild per schema and projection at a time: a session lock held on a connection of its own.
  const guard = await pool.connect();
  const key = `rebuild:${opts.schema}:${projection}`;
  try {
    const got = await guard.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [key]);
    if (!got.rows[0].ok) throw new Error(`another rebuild of projection ${projection} in schema ${opts.schema} is running`);
    try {
      return await rebuild(pool, log, opts, projection);
    } finally {
      await guard.query(`SELECT pg_advisory_unlock(hashtext($1))`, [key]).catch(() => undefined);
    }
  } finally {
    guard.release();
  }
}

async function rebuild(pool: Pool, log: PgEventLog, opts: RebuildOptions, projection: string): Promise<RebuildReport> {
  const q = quoteSchema(opts.schema);
  const batchSize = opts.batchSize ?? 20_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`rebuild: batchSize must be a positive whole number of events, got ${batchSize}`);
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);

  // 1. New generation (tables without indexes: they are built after the bulk load).
  const { generation, previous, indexes } = await prepareGeneration(pool, q, opts.schema, projection);
  const suffix = `_g${generation}`;
  const next = rmTables(opts.schema, suffix);
  const genCheckpoint = `${projection}@g${generation}`;
  const countTotal = async () => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${q}.events`)).rows[0].n);
  const total = await countTotal();

  // 2. Bulk: the gap-safe prefix of the log up to `cp` (fixed now: every transaction before it has
  //    ended), folded chunk by chunk: a chunk is a set of whole streams (stories) read in gap-safe order,
  //    folded, COPYed and dropped, so memory holds one chunk (and the next, read ahead), not the log.
  const cp: Checkpoint = await gapSafeHead(pool, q);
  // A merge family's streams (survivor and merged stories) are folded in one chunk: a merge moves states across them.
  const chunks = await streamChunks(pool, q, batchSize, await mergeFamilies(pool, q, cp));
  const items = new BulkItems();
  const written = new Set<string>();
  let applied = 0;
  let readAhead = chunks.length ? readChunk(pool, q, chunks[0], cp) : undefined;
  for (let c = 0; c < chunks.length; c++) {
    const events = await readAhead!;
    readAhead = c + 1 < chunks.length ? readChunk(pool, q, chunks[c + 1], cp) : undefined;
    readAhead?.catch(() => undefined); // awaited next turn; not an unhandled rejection meanwhile
    const states = new Map<string, StoryTimeline>();
    for (const ev of events) {
      for (const id of storiesOfEvents([ev as StoredEvent])) {
        if (!states.has(id) && written.has(id)) {
          throw new Error(`rebuild: story ${id} has events on streams of two chunks (event ${ev.eventId} on ${ev.streamId}); a story's events must be on its own stream, or its streams linked: chunkStreams`);
        }
      }
      // evolveStories reads no metadata or hashes (ReplayEvent): merges absorb (r.merged: as applied, ids resolved
      // to their survivors), events of merged stories fold into their survivor
      const r = evolveStories(states, ev as StoredEvent);
      items.note(ev, r.storyId, r.merged);
    }
    items.resolveChunk(states);
    applied += events.length;
    await opts.onProgress?.({ phase: 'bulk', generation, applied, total: Math.max(total, applied), elapsedMs: elapsed() });
    await bulkWrite(pool, next, states, items);
    for (const id of states.keys()) written.add(id);
    await opts.onProgress?.({ phase: 'write', generation, applied, total: Math.max(total, applied), elapsedMs: elapsed() });
  }
  await items.writeItems(pool, next);
  await opts.onProgress?.({ phase: 'index', generation, applied, total: Math.max(total, applied), elapsedMs: elapsed() });
  await buildIndexes(pool, indexes, suffix);
  await log.saveCheckpoint(genCheckpoint, cp, pool);
  let at = cp;

  // 3. Switch.
  let switchEvents = 0;
  let switchMs = 0;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    const s0 = performance.now();
    // The states the catch-up touches, loaded from the generation's tables (as the live projector loads them);
    // per attempt: a failed attempt rolls its writes back and the next one reloads.
    const states = new Map<string, StoryTimeline>();
    const asked = new Set<string>();
    let pos = at;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(opts.lockTimeoutMs ?? 10_000))}`);
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [projectionLockKey(opts.schema, projection)]);
      let n = 0;
      for (;;) {
        const events = await log.readAllGapSafe(pos, batchSize, client);
        if (!events.length) break;
        // Load what the batch folds into and was not loaded yet: its stories, and (following merged_into) their survivors.
        let missing = storiesOfEvents(events).filter((id) => !asked.has(id));
        while (missing.length) {
          for (const id of missing) asked.add(id);
          for (const [id, st] of await loadStoryStates(client, next, missing)) states.set(id, st);
          missing = [...new Set(missing.map((id) => states.get(id)?.mergedInto).filter((id): id is string => !!id && !asked.has(id)))];
        }
        const batch = foldTimelineBatch(states, events);
        await writeTimelineRows(client, next, states, batch);
        pos = checkpointOf(events[events.length - 1]);
        n += events.length;
      }
      await log.saveCheckpoint(projection, pos, client);
      await log.deleteCheckpoint(genCheckpoint, client);
      for (const t of READ_MODEL_TABLES) await client.query(`ALTER TABLE ${q}.${t} RENAME TO ${t}_g${previous}`);
      for (const t of READ_MODEL_TABLES) await client.query(`ALTER TABLE ${q}.${t}${suffix} RENAME TO ${t}`);
      await client.query(`UPDATE ${q}.rm_generations SET status = 'retired' WHERE projection = $1 AND generation = $2`, [projection, previous]);
      await client.query(`UPDATE ${q}.rm_generations SET status = 'active', activated_at = now(), events = $3 WHERE projection = $1 AND generation = $2`, [
        projection,
        generation,
        applied + n,
      ]);
      await client.query('COMMIT');
      switchEvents = n;
      applied += n;
      at = pos;
      switchMs = Math.round(performance.now() - s0);
      break;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (err as { code?: string }).code;
      if (code !== '55P03' || attempt >= 3) throw err; // 55P03: lock_timeout, readers held the tables; try again
    } finally {
      client.release();
    }
  }
  await opts.onProgress?.({ phase: 'switch', generation, applied, total: Math.max(total, applied), elapsedMs: elapsed() });

  // 4. Retire the previous generation.
  if (!opts.keepPrevious) await dropGeneration(pool, q, previous);
  const durationMs = elapsed();
  await opts.onProgress?.({ phase: 'done', generation, applied, total: Math.max(total, applied), elapsedMs: durationMs });
  return {
    projection,
    generation,
    previousGeneration: previous,
    events: applied,
    switchEvents,
    stories: written.size,
    durationMs,
    switchMs,
    eventsPerSecond: durationMs > 0 ? Math.round((applied * 1000) / durationMs) : applied,
    checkpoint: at,
  };
}

/**
 * The gap-safe head: the last event, in (transaction_id, global_position)
 * order, of the transactions older than every running one. Every event at
 * or before it is committed for good (DESIGN.md decision 5), so the set of
 * events up to it does not change while the bulk phase reads it.
 */
async function gapSafeHead(pool: Pool, q: string): Promise<Checkpoint> {
  const r = await pool.query<{ tx: string; gp: string }>(
    `SELECT transaction_id::text AS tx, global_position::text AS gp FROM ${q}.events
      WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  return r.rowCount ? { transactionId: r.rows[0].tx, globalPosition: r.rows[0].gp } : START_CHECKPOINT;
}

/**
 * The log's streams in chunks of about `target` events (stream_heads
 * positions), in stream id order; see chunkStreams.
 * @param linked groups of streams to fold in one chunk (chunkStreams).
 */
async function streamChunks(pool: Pool, q: string, target: number, linked: readonly string[][] = []): Promise<string[][]> {
  const r = await pool.query<{ stream_id: string; position: number }>(`SELECT stream_id, position FROM ${q}.stream_heads WHERE position > 0 ORDER BY stream_id`);
  return chunkStreams(r.rows.map((h) => ({ streamId: h.stream_id, events: h.position })), target, linked);
}

/**
 * Cut streams into chunks of about `target` events for the bulk phase: whole
 * streams, in the order given; a stream (or linked group) larger than
 * `target` is a chunk of its own. `linked`: groups of streams whose events
 * fold into each other's stories (an event type that reaches across stories,
 * e.g. a merge of stories, must name them here so one chunk folds them all);
 * a group goes to the chunk of its first stream. Streams of `linked` missing
 * from `streams` are ignored.
 * @returns the chunks, every stream in exactly one.
 */
export function chunkStreams(streams: ReadonlyArray<{ streamId: string; events: number }>, target: number, linked: readonly string[][] = []): string[][] {
  // union-find over the linked groups
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const g of linked) for (let k = 1; k < g.length; k++) parent.set(find(g[k]), find(g[0]));
  const groups = new Map<string, { streams: string[]; events: number }>();
  for (const s of streams) {
    const root = find(s.streamId);
    const g = groups.get(root);
    if (g) {
      g.streams.push(s.streamId);
      g.events += s.events;
    } else groups.set(root, { streams: [s.streamId], events: s.events });
  }
  const chunks: string[][] = [];
  let cur: string[] = [];
  let size = 0;
  for (const g of groups.values()) {
    if (cur.length && size + g.events > target) {
      chunks.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(...g.streams);
    size += g.events;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/**
 * The streams each merge of the log up to `upTo` links (StoriesMerged on a
 * survivor's stream: the survivor's and the merged stories' streams), as
 * chunkStreams' `linked` groups; a survivor later merged into another story
 * shares a stream with that merge's group, so chunkStreams joins them into
 * one family. One query over the events of type StoriesMerged (a scan of the
 * log's rows: the events table has no index on type; merges are few),
 * decoded as readChunk decodes rows (older versions upcast).
 */
async function mergeFamilies(pool: Pool, q: string, upTo: Checkpoint): Promise<string[][]> {
  const res = await pool.query<RebuildRow>({
    text: `SELECT ${rebuildRowColumns('$3')} FROM ${q}.events AS e
      WHERE e.type = 'StoriesMerged' AND (e.transaction_id, e.global_position) <= ($1::xid8, $2::bigint)`,
    values: [upTo.transactionId, upTo.globalPosition, currentVersionsJson()],
    rowMode: 'array',
  });
  const groups: string[][] = [];
  for (const row of res.rows) {
    const e = decodeRebuildRow(row);
    if (e.type !== 'StoriesMerged') continue;
    groups.push([e.streamId, storyStream(e.data.survivorStoryId), ...e.data.mergedStoryIds.map(storyStream)]);
  }
  return groups;
}

/**
 * Every event of some streams up to `upTo`, in gap-safe order
 * ((transaction_id, global_position), as the live projector folds them),
 * without what no fold or row needs (metadata, chain hashes: rebuildRowColumns;
 * current-version rows as stored, older ones upcast and validated, as
 * readTimelineEvents decodes them). One query (the stream index); the rows
 * are put in gap-safe order here, not by Postgres: a chunk's rows (~20 MB
 * with their data) overflow work_mem, and its ORDER BY was an external merge
 * sort on disk, ≈ 20–40 ms of a chunk's ≈ 130 ms read; sorting the decoded
 * events by their two keys is ≈ 5 ms.
 */
async function readChunk(pool: Pool, q: string, streams: string[], upTo: Checkpoint): Promise<RebuildEvent[]> {
  const res = await pool.query<RebuildRow>({
    text: `SELECT ${rebuildRowColumns('$4')} FROM ${q}.events AS e
      WHERE e.stream_id = ANY($1::text[]) AND (e.transaction_id, e.global_position) <= ($2::xid8, $3::bigint)`,
    values: [streams, upTo.transactionId, upTo.globalPosition, currentVersionsJson()],
    rowMode: 'array',
  });
  const out = new Array<RebuildEvent>(res.rows.length);
  for (let i = 0; i < res.rows.length; i++) out[i] = decodeRebuildRow(res.rows[i]);
  return out.sort(compareCheckpoints);
}

/** An index of a serving table, to be built on the generation's table after the bulk load. */
interface IndexDef {
  table: string;
  name: string;
  /** CREATE [UNIQUE] INDEX definition of the serving table (pg_get_indexdef). */
  def: string;
  /** 'p' primary key, 'u' unique constraint, null a plain index. */
  constraint: 'p' | 'u' | null;
}

/**
 * Drop leftovers of earlier rebuilds, then create the new generation's empty
 * tables: LIKE the serving ones with defaults and constraints but WITHOUT
 * indexes (a bulk load into indexed tables maintains every index row by row;
 * building them afterwards is several times faster). Returns the serving
 * tables' indexes, read from the catalog so indexes added by later
 * migrations are rebuilt too.
 */
async function prepareGeneration(pool: Pool, q: string, schema: string, projection: string): Promise<{ generation: number; previous: number; indexes: IndexDef[] }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const gens = await client.query<{ generation: number; status: string }>(`SELECT generation, status FROM ${q}.rm_generations WHERE projection = $1`, [projection]);
    const active = gens.rows.find((g) => g.status === 'active');
    if (!active) throw new Error(`no active generation of projection ${projection}`);
    for (const g of gens.rows.filter((x) => x.status !== 'active')) {
      for (const t of READ_MODEL_TABLES) await client.query(`DROP TABLE IF EXISTS ${q}.${t}_g${g.generation}`);
      if (g.status === 'building') await client.query(`UPDATE ${q}.rm_generations SET status = 'failed' WHERE projection = $1 AND generation = $2`, [projection, g.generation]);
      await client.query(`DELETE FROM ${q}.checkpoints WHERE name = $1`, [`${projection}@g${g.generation}`]);
    }
    const generation = Math.max(...gens.rows.map((g) => g.generation)) + 1;
    for (const t of READ_MODEL_TABLES) await client.query(`CREATE TABLE ${q}.${t}_g${generation} (LIKE ${q}.${t} INCLUDING ALL EXCLUDING INDEXES)`);
    const idx = await client.query<{ table: string; name: string; def: string; contype: 'p' | 'u' | null }>(
      `SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(i.oid) AS def, c.contype
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = t.oid AND c.contype IN ('p', 'u')
        WHERE n.nspname = $1 AND t.relname = ANY($2::text[])
        ORDER BY t.relname, i.relname`,
      [schema, [...READ_MODEL_TABLES]],
    );
    await client.query(`INSERT INTO ${q}.rm_generations (projection, generation, status) VALUES ($1, $2, 'building')`, [projection, generation]);
    await client.query('COMMIT');
    const indexes = idx.rows.map((r) => ({ table: r.table, name: r.name, def: r.def, constraint: r.contype }));
    return { generation, previous: active.generation, indexes };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Build the serving tables' indexes on the generation's tables (named
 * `<table><suffix>_<n>` / `<table><suffix>_pkey`), two tables at a time on
 * separate connections, primary keys and unique constraints attached to
 * their index. Autocommitted: each index is one short statement.
 */
async function buildIndexes(pool: Pool, indexes: IndexDef[], suffix: string): Promise<void> {
  const byTable = new Map<string, IndexDef[]>();
  for (const i of indexes) byTable.set(i.table, [...(byTable.get(i.table) ?? []), i]);
  const tables = [...byTable.keys()];
  const worker = async () => {
    const client = await pool.connect();
    try {
      await client.query(`SET maintenance_work_mem = '128MB'`);
      for (let t = tables.shift(); t !== undefined; t = tables.shift()) {
        let n = 0;
        for (const i of byTable.get(t)!) {
          const name = i.constraint === 'p' ? `${t}${suffix}_pkey` : `${t}${suffix}_${++n}`;
          const m = /^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?(\S+) (USING .*)$/.exec(i.def);
          if (!m) throw new Error(`cannot rebuild index ${i.name}: unexpected definition ${i.def}`);
          const table = `${m[3]}${suffix}`;
          await client.query(`CREATE ${m[1] ?? ''}INDEX ${quoteIdent(name)} ON ${table} ${m[4]}`);
          if (i.constraint) {
            await client.query(`ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(name)} ${i.constraint === 'p' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(name)}`);
          }
        }
      }
    } finally {
      await client.query(`RESET maintenance_work_mem`).catch(() => undefined);
      client.release();
    }
  };
  await Promise.all([worker(), worker()]);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function dropGeneration(pool: Pool, q: string, generation: number): Promise<void> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = 10000`);
    for (const t of READ_MODEL_TABLES) await client.query(`DROP TABLE IF EXISTS ${q}.${t}_g${generation}`);
    await client.query('COMMIT');
  } catch {
    await client.query('ROLLBACK').catch(() => undefined); // readers still on them: the next rebuild drops them
  } finally {
    client.release();
  }
}

type ItemEvent = Extract<RebuildEvent, { type: 'WireItemRecorded' }>;

/**
 * What the bulk phase keeps of item events across chunks (small: a few
 * strings per item version): which event wrote each rm_item_versions row
 * (first event per uri and version in gap-safe order wins, as the
 * projector's ON CONFLICT DO NOTHING), the story of each uri's latest item
 * event (rm_items.story_id) and the candidate rm_items rows; and, for the
 * chunk being written, its item version rows and per story its item events
 * in log order (the story signature is updated with them, as one batch of
 * writeTimelineRows would).
 */
class BulkItems {
  versionRows: string[] = [];
  private readonly versionAt = new Map<string, Checkpoint>();
  /** Item versions whose first event came in a later chunk than a later event of the same version: rows to overwrite. */
  private readonly versionFixes = new Map<string, Array<string | number>>();
  private readonly latestOfUri = new Map<string, { storyId: string; at: Checkpoint }>();
  /** Uris whose latest item event so far came in the chunk being folded (their story is resolved to its survivor after the chunk). */
  private chunkUris: string[] = [];
  private readonly itemRows: Array<{ uri: string; storyId: string; line: string }> = [];
  /**
   * Per story of the chunk being folded, in log order: its item events (the
   * whole item: a signature's terms are read from the headline AND the
   * body_text, as the live projection reads them) and the merges it absorbed
   * (`merged`: story ids).
   */
  eventsOfStory = new Map<string, Array<ItemEvent['data']['item'] | { merged: string[] }>>();

  /** An event folded into story `into` (evolveStories' target; `merged`: the stories a merge absorbed, StoriesFold.merged): item events and merges are kept. */
  note(e: RebuildEvent, into: string, merged?: string[]): void {
    if (e.type === 'WireItemRecorded') this.add(e, into);
    else if (merged?.length) {
      const list = this.eventsOfStory.get(into);
      if (list) list.push({ merged });
      else this.eventsOfStory.set(into, [{ merged }]);
    }
  }

  /** An item event folded into story `into` (its own story, or the survivor its story was merged into). */
  private add(e: ItemEvent, into: string): void {
    const { item } = e.data;
    const at = checkpointOf(e);
    const vk = itemVersionKey(item.uri, item.version);
    const seen = this.versionAt.get(vk);
    if (!seen) {
      this.versionAt.set(vk, at);
      this.versionRows.push(copyLine([item.uri, item.version, into, e.eventId, item.headline, item.body_text]));
    } else if (compareCheckpoints(at, seen) < 0) {
      this.versionAt.set(vk, at);
      this.versionFixes.set(vk, [item.uri, item.version, into, e.eventId, item.headline, item.body_text]);
    }
    const latest = this.latestOfUri.get(item.uri);
    if (!latest || compareCheckpoints(at, latest.at) > 0) {
      this.latestOfUri.set(item.uri, { storyId: into, at });
      this.chunkUris.push(item.uri);
    }
    const list = this.eventsOfStory.get(into);
    if (list) list.push(item);
    else this.eventsOfStory.set(into, [item]);
  }

  /**
   * After a chunk's fold: the story of each uri whose latest item event came
   * in the chunk is the story holding it now (resolveStory: a later merge of
   * the chunk moved it to the survivor). A merge family is folded in one
   * chunk, so the chunk's states resolve it for good.
   */
  resolveChunk(states: ReadonlyMap<string, StoryTimeline>): void {
    for (const uri of this.chunkUris) {
      const l = this.latestOfUri.get(uri)!;
      if (states.has(l.storyId)) l.storyId = resolveStory(states, l.storyId);
    }
    this.chunkUris = [];
  }

  /** The current items of a written chunk's stories: rm_items rows if the uri's latest item event names that story (known at the end). */
  keepItems(states: Map<string, StoryTimeline>): void {
    for (const state of states.values()) {
      for (const cur of Object.values(state.items)) {
        this.itemRows.push({ uri: cur.uri, storyId: state.storyId, line: copyLine([cur.uri, state.storyId, cur.version, cur.pubstatus, cur.headline, cur.firstcreated, cur.versioncreated, cur.ednote]) });
      }
    }
  }

  /** After the last chunk: COPY rm_items, and overwrite the item versions whose first event came late. */
  async writeItems(pool: Pool, t: RmTables): Promise<void> {
    const rows = this.itemRows.filter((r) => this.latestOfUri.get(r.uri)?.storyId === r.storyId).map((r) => r.line);
    await copyRows(pool, t.items, ['uri', 'story_id', 'version', 'pubstatus', 'headline', 'firstcreated', 'versioncreated', 'ednote'], rows);
    for (const [uri, version, storyId, eventId, headline, body] of this.versionFixes.values()) {
      await pool.query(`UPDATE ${t.itemVersions} SET story_id = $3, event_id = $4, headline = $5, body_text = $6 WHERE uri = $1 AND version = $2`, [
        uri, version, storyId, eventId, headline, body,
      ]);
    }
  }
}

/**
 * Write one chunk's folded states (whole stories) into the generation's
 * index-less tables with COPY: statements in two halves on two connections,
 * then story states, stories and the chunk's item versions; the current
 * items are kept for the end (BulkItems.writeItems). The rows are the ones
 * writeTimelineRows would write for one batch holding the chunk's events.
 */
async function bulkWrite(pool: Pool, t: RmTables, states: Map<string, StoryTimeline>, items: BulkItems): Promise<void> {
  // Statements (the bulk of the bytes) go in two COPYs on two connections: Postgres parses the jsonb of each on its own backend.
  const all = [...states.values()];
  const statementRows = function* (part: 0 | 1): Generator<string> {
    let k = 0;
    for (const state of all) {
      for (const st of Object.values(state.statements)) {
        if ((k++ & 1) !== part) continue;
        const doc = JSON.stringify(st); // JSON.stringify escapes every control character: only backslashes need doubling
        yield `${copyLine([st.statementId, state.storyId, st.status, saidAtSortKey(st), st.source.name, st.source.speakerId]).slice(0, -1)}\t${doc.indexOf('\\') < 0 ? doc : doc.replace(/\\/g, '\\\\')}\n`;
      }
    }
  };
  const stateRows = function* (): Generator<string> {
    for (const state of states.values()) yield copyLine([state.storyId, storedStateJson(state)]);
  };
  const grouped = new Map<string, Map<string, TimelineStatement[]>>();
  const byItemVersionOf = (holder: StoryTimeline): Map<string, TimelineStatement[]> => {
    let byItemVersion = grouped.get(holder.storyId);
    if (!byItemVersion) grouped.set(holder.storyId, (byItemVersion = statementsByItemVersion(holder)));
    return byItemVersion;
  };
  // A story's signature: its item events in log order, a merge folding in the merged stories' signatures (as the live projection does).
  const signatureOf = (storyId: string, depth = 0): StorySignature | undefined => {
    const holder = states.get(resolveStory(states, storyId))!;
    let sig: StorySignature | undefined;
    for (const op of items.eventsOfStory.get(storyId) ?? []) {
      if ('merged' in op) {
        const merged = depth < MAX_MERGE_HOPS ? op.merged.map((id) => signatureOf(id, depth + 1)).filter((x): x is StorySignature => !!x) : [];
        if (sig) sig = mergeStorySignatures(sig, merged);
        continue;
      }
      const cur = holder.items[op.uri];
      if (!cur || cur.version !== op.version || op.pubstatus !== 'usable') continue;
      sig = updateStorySignature(sig, storyId, op, (byItemVersionOf(holder).get(itemVersionKey(op.uri, op.version)) ?? []).map(asExtracted));
    }
    return sig;
  };
  const storyRows = function* (): Generator<string> {
    for (const state of states.values()) {
      const sig = state.mergedInto ? undefined : signatureOf(state.storyId);
      let active = 0;
      let first: string | null = null;
      let last: string | null = null;
      for (const st of Object.values(state.statements)) {
        if (st.status !== 'active') continue;
        active++;
        const k = saidAtSortKey(st);
        if (first === null || k < first) first = k;
        if (last === null || k > last) last = k;
      }
      const usable = Object.values(state.items).filter((i) => i.pubstatus === 'usable').length;
      yield copyLine([state.storyId, state.title, usable, active, first, last, state.lastRecordedAt, state.lastGlobalPosition, sig ? JSON.stringify(storedSignature(sig, state.title)) : null, state.mergedInto ?? null]);
    }
  };
  const versionRows = items.versionRows;
  items.versionRows = [];
  const cols = ['statement_id', 'story_id', 'status', 'sort_key', 'speaker', 'speaker_id', 'doc'];
  await Promise.all([
    copyRows(pool, t.statements, cols, statementRows(0)),
    copyRows(pool, t.statements, cols, statementRows(1)),
    (async () => {
      await copyRows(pool, t.states, ['story_id', 'state'], stateRows());
      await copyRows(pool, t.itemVersions, ['uri', 'version', 'story_id', 'event_id', 'headline', 'body_text'], versionRows);
      await copyRows(pool, t.stories, [
        'story_id', 'title', 'item_count', 'statement_count', 'first_said', 'last_said', 'updated_at', 'last_global_position', 'signature', 'merged_into',
      ], storyRows());
    })(),
  ]);
  items.keepItems(states);
  items.eventsOfStory = new Map();
}

/** One line of COPY text format (tab-separated, `\N` = NULL, backslash escapes), newline-terminated. */
export function copyLine(values: ReadonlyArray<string | number | null | undefined>): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) line += '\t';
    if (v === null || v === undefined) line += '\\N';
    else if (typeof v === 'number') line += String(v);
    else line += COPY_SPECIAL.test(v) ? v.replace(COPY_ESCAPES, (c) => COPY_ESCAPE[c]) : v;
  }
  return line + '\n';
}
const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_ESCAPES = /[\\\n\r\t]/g;
const COPY_ESCAPE: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * COPY lines (copyLine) into a table on a pool connection of its own, in
 * ~256 kB chunks with back-pressure (pg-copy-streams). Autocommitted: one
 * short transaction per call.
 * @throws the database error (the COPY is rolled back whole).
 */
async function copyRows(pool: Pool, table: string, columns: string[], lines: Iterable<string>): Promise<void> {
  const client = await pool.connect();
  try {
    const chunks = function* (): Generator<string> {
      let buf = '';
      for (const l of lines) {
        buf += l;
        if (buf.length >= 256 * 1024) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    };
    await pipeline(Readable.from(chunks(), { objectMode: false }), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
  } finally {
    client.release();
  }
}

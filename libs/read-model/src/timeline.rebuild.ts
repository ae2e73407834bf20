import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { StoredEvent, TimelineEvent } from '@timeline/events';
import { Checkpoint, checkpointOf, PgEventLog, quoteSchema, START_CHECKPOINT } from '@timeline/event-log';
import { mergeStorySignatures, updateStorySignature, StorySignature } from '@timeline/extraction';
import { evolveStories, MAX_MERGE_HOPS, resolveStory, saidAtSortKey, StoryTimeline, TimelineStatement } from '@timeline/timeline';
import { readTimelineEvents } from './log-read';
import {
  asExtracted, foldTimelineBatch, projectionLockKey, storiesOfEvents, READ_MODEL_TABLES, RmTables, rmTables, storedStateJson, TIMELINE_PROJECTION, writeTimelineRows,
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
  /** Events per gap-safe read (default 20,000). */
  batchSize?: number;
  /** lock_timeout of the switch transaction, ms (default 10,000); the switch is retried up to 3 times. */
  lockTimeoutMs?: number;
  /** Keep the previous generation's tables (renamed `rm_*_g<n>`) instead of dropping them. */
  keepPrevious?: boolean;
  onProgress?: (p: RebuildProgress) => void;
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
 * 2. Bulk: the log is read gap-safely from the start in pages of
 *    `batchSize` events, each its own short query (never one long
 *    transaction: it would hold back every gap-safe reader, the live
 *    projector included), the next page read while this one folds with the
 *    shared `evolve` into in-memory states; item versions are COPYed as
 *    they come; at the end every table's final rows are COPYed once into the
 *    index-less generation tables, then the indexes are built. The serving
 *    tables and the live projector are untouched meanwhile.
 * 3. Switch, in ONE transaction: take the live projection's advisory lock
 *    (blocking: the running projector's next step finds it taken and waits
 *    its turn — it is paused, not stopped), catch up with the rest of the
 *    log into the new tables, move the `timeline` checkpoint to the new
 *    generation's position, rename the serving tables to `rm_*_g<old>` and
 *    the new ones to `rm_*`, mark the generations, COMMIT. Readers see the old
 *    tables until the commit and the new ones after (a query waiting on the
 *    rename re-resolves the name); the projector resumes on the new tables
 *    from the moved checkpoint.
 * 4. The previous generation's tables are dropped (unless keepPrevious).
 *
 * Memory: every story state is held while rebuilding (about the size of
 * rm_story_states).
 * @throws Error for an unknown projection; the database error otherwise (the
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
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);

  // 1. New generation (tables without indexes: they are built after the bulk load).
  const { generation, previous, indexes } = await prepareGeneration(pool, q, opts.schema, projection);
  const suffix = `_g${generation}`;
  const next = rmTables(opts.schema, suffix);
  const genCheckpoint = `${projection}@g${generation}`;
  const countTotal = async () => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${q}.events`)).rows[0].n);
  let total = await countTotal();

  // 2. Bulk: fold the whole log in memory, page by page (the next page is read while this one folds),
  //    item versions COPYed as they come (short autocommitted COPYs, never one long transaction).
  const states = new Map<string, StoryTimeline>();
  const items = new BulkItems();
  let cp: Checkpoint = START_CHECKPOINT;
  let applied = 0;
  let pendingCopy: Promise<void> = Promise.resolve();
  let page = readTimelineEvents(pool, opts.schema, cp, batchSize);
  for (;;) {
    const events = await page;
    if (events.length) cp = checkpointOf(events[events.length - 1]);
    const more = events.length >= batchSize; // short page: close to the head, the rest is folded inside the switch
    if (more) page = readTimelineEvents(pool, opts.schema, cp, batchSize);
    for (const ev of events) {
      const r = evolveStories(states, ev); // merges absorb, events of merged stories fold into their survivor
      items.note(ev as StoredEvent<TimelineEvent>, r.storyId, r.merged);
    }
    applied += events.length;
    if (items.versionRows.length >= 5000 || !more) {
      const rows = items.takeVersionRows();
      await pendingCopy;
      pendingCopy = copyRows(pool, next.itemVersions, ['uri', 'version', 'story_id', 'event_id', 'headline', 'body_text'], rows);
      pendingCopy.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    }
    if (applied > total) total = await countTotal();
    opts.onProgress?.({ phase: 'bulk', generation, applied, total, elapsedMs: elapsed() });
    if (!more) break;
  }
  await pendingCopy;
  opts.onProgress?.({ phase: 'write', generation, applied, total: Math.max(total, applied), elapsedMs: elapsed() });
  await bulkWrite(pool, next, states, items);
  opts.onProgress?.({ phase: 'index', generation, applied, total: Math.max(total, applied), elapsedMs: elapsed() });
  await buildIndexes(pool, indexes, suffix);
  await log.saveCheckpoint(genCheckpoint, cp, pool);

  // 3. Switch.
  let switchEvents = 0;
  let switchMs = 0;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    const s0 = performance.now();
    const statesBefore = new Map(states); // a retried switch must not double-fold: restart from the flushed point
    const cpBefore = cp;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(opts.lockTimeoutMs ?? 10_000))}`);
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [projectionLockKey(opts.schema, projection)]);
      let n = 0;
      for (;;) {
        const events = await log.readAllGapSafe(cp, batchSize, client);
        if (!events.length) break;
        // Fold into copies of the touched states, so a failed attempt leaves `states` as flushed.
        for (const id of new Set(storiesOfEvents(events).flatMap((x) => [x, resolveStory(states, x)]))) {
          const st = states.get(id);
          if (st && statesBefore.get(id) === st) states.set(id, structuredClone(st));
        }
        const batch = foldTimelineBatch(states, events);
        await writeTimelineRows(client, next, states, batch);
        cp = checkpointOf(events[events.length - 1]);
        n += events.length;
      }
      await log.saveCheckpoint(projection, cp, client);
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
      switchMs = Math.round(performance.now() - s0);
      break;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      states.clear();
      for (const [k, v] of statesBefore) states.set(k, v);
      cp = cpBefore;
      const code = (err as { code?: string }).code;
      if (code !== '55P03' || attempt >= 3) throw err; // 55P03: lock_timeout, readers held the tables; try again
    } finally {
      client.release();
    }
  }
  opts.onProgress?.({ phase: 'switch', generation, applied, total: Math.max(total, applied), elapsedMs: elapsed() });

  // 4. Retire the previous generation.
  if (!opts.keepPrevious) await dropGeneration(pool, q, previous);
  const durationMs = elapsed();
  opts.onProgress?.({ phase: 'done', generation, applied, total: Math.max(total, applied), elapsedMs: durationMs });
  return {
    projection,
    generation,
    previousGeneration: previous,
    events: applied,
    switchEvents,
    stories: states.size,
    durationMs,
    switchMs,
    eventsPerSecond: durationMs > 0 ? Math.round((applied * 1000) / durationMs) : applied,
    checkpoint: cp,
  };
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

type ItemEvent = StoredEvent<Extract<TimelineEvent, { type: 'WireItemRecorded' }>>;

/**
 * What the bulk phase keeps of item events besides the folded states: the
 * rm_item_versions rows not yet COPYed (first event per uri and version
 * wins, as the projector's ON CONFLICT DO NOTHING), the story of each uri's
 * latest item event (rm_items.story_id), and per story the item events in
 * log order (the story signature is updated with them at the end, as one
 * batch of writeTimelineRows would).
 */
class BulkItems {
  versionRows: string[] = [];
  private readonly seenVersions = new Set<string>();
  readonly storyOfUri = new Map<string, string>();
  /** Per story, in log order: its item events, and the merges it absorbed (`merged`: story ids). */
  readonly eventsOfStory = new Map<string, Array<ItemEvent['data']['item'] | { merged: string[] }>>();

  /** An event folded into story `into` (evolveStories' target; `merged`: the stories a merge absorbed): item events and merges are kept. */
  note(e: StoredEvent<TimelineEvent>, into: string, merged?: string[]): void {
    if (e.type === 'WireItemRecorded') this.add(into === e.data.storyId ? e : { ...e, data: { ...e.data, storyId: into } });
    else if (merged?.length) {
      const list = this.eventsOfStory.get(into);
      if (list) list.push({ merged });
      else this.eventsOfStory.set(into, [{ merged }]);
    }
  }

  add(e: ItemEvent): void {
    const { item, storyId } = e.data;
    const vk = `${item.uri}\u001f${item.version}`;
    if (!this.seenVersions.has(vk)) {
      this.seenVersions.add(vk);
      this.versionRows.push(copyLine([item.uri, item.version, storyId, e.eventId, item.headline, item.body_text]));
    }
    this.storyOfUri.set(item.uri, storyId);
    const list = this.eventsOfStory.get(storyId);
    // Signatures read no item text: keep the item without body_text (it went to versionRows).
    const light = { ...item, body_text: '' };
    if (list) list.push(light);
    else this.eventsOfStory.set(storyId, [light]);
  }

  takeVersionRows(): string[] {
    const rows = this.versionRows;
    this.versionRows = [];
    return rows;
  }
}

/**
 * Write the folded states into the generation's empty tables with COPY
 * (statements in two halves, story states, items, stories), three COPYs at a time. The rows
 * are the ones writeTimelineRows would write for one batch holding the whole log.
 */
async function bulkWrite(pool: Pool, t: RmTables, states: Map<string, StoryTimeline>, items: BulkItems): Promise<void> {
  // Statements (the bulk of the bytes) go in two COPYs on two connections: Postgres parses the jsonb of each on its own backend.
  const all = [...states.values()];
  const half = Math.ceil(all.length / 2);
  const statementRows = function* (part: StoryTimeline[]): Generator<string> {
    for (const state of part) {
      for (const st of Object.values(state.statements)) {
        const doc = JSON.stringify(st); // JSON.stringify escapes every control character: only backslashes need doubling
        yield `${copyLine([st.statementId, state.storyId, st.status, saidAtSortKey(st), st.source.name, st.source.speakerId]).slice(0, -1)}\t${doc.indexOf('\\') < 0 ? doc : doc.replace(/\\/g, '\\\\')}\n`;
      }
    }
  };
  const stateRows = function* (): Generator<string> {
    for (const state of states.values()) yield copyLine([state.storyId, storedStateJson(state)]);
  };
  const itemRows = function* (): Generator<string> {
    for (const state of states.values()) {
      for (const cur of Object.values(state.items)) {
        // the uri's latest item event named another story (not one merged into this one)
        if (resolveStory(states, items.storyOfUri.get(cur.uri) ?? '') !== state.storyId) continue;
        yield copyLine([cur.uri, state.storyId, cur.version, cur.pubstatus, cur.headline, cur.firstcreated, cur.versioncreated, cur.ednote]);
      }
    }
  };
  const grouped = new Map<string, Map<string, TimelineStatement[]>>();
  const byItemVersionOf = (holder: StoryTimeline): Map<string, TimelineStatement[]> => {
    let byItemVersion = grouped.get(holder.storyId);
    if (byItemVersion) return byItemVersion;
    grouped.set(holder.storyId, (byItemVersion = new Map()));
    for (const st of Object.values(holder.statements)) {
      const k = `${st.itemUri}\u001f${st.itemVersion}`;
      const list = byItemVersion.get(k);
      if (list) list.push(st);
      else byItemVersion.set(k, [st]);
    }
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
      sig = updateStorySignature(sig, storyId, op, (byItemVersionOf(holder).get(`${op.uri}\u001f${op.version}`) ?? []).map(asExtracted));
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
      yield copyLine([state.storyId, state.title, usable, active, first, last, state.lastRecordedAt, state.lastGlobalPosition, sig ? JSON.stringify(sig) : null, state.mergedInto ?? null]);
    }
  };
  await Promise.all([
    copyRows(pool, t.statements, ['statement_id', 'story_id', 'status', 'sort_key', 'speaker', 'speaker_id', 'doc'], statementRows(all.slice(0, half))),
    copyRows(pool, t.statements, ['statement_id', 'story_id', 'status', 'sort_key', 'speaker', 'speaker_id', 'doc'], statementRows(all.slice(half))),
    (async () => {
      await copyRows(pool, t.states, ['story_id', 'state'], stateRows());
      await copyRows(pool, t.items, ['uri', 'story_id', 'version', 'pubstatus', 'headline', 'firstcreated', 'versioncreated', 'ednote'], itemRows());
      await copyRows(pool, t.stories, [
        'story_id', 'title', 'item_count', 'statement_count', 'first_said', 'last_said', 'updated_at', 'last_global_position', 'signature', 'merged_into',
      ], storyRows());
    })(),
  ]);
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

import type { Pool, PoolClient } from 'pg';
import type { StoredEvent } from '@timeline/events';
import { Checkpoint, checkpointOf, PgEventLog, quoteSchema, START_CHECKPOINT } from '@timeline/event-log';
import type { StoryTimeline } from '@timeline/timeline';
import {
  FoldedBatch, foldTimelineBatch, projectionLockKey, READ_MODEL_TABLES, rmTables, TIMELINE_PROJECTION, writeTimelineRows,
} from './timeline.projection';

/** Progress of a rebuild, reported after every batch. */
export interface RebuildProgress {
  readonly phase: 'bulk' | 'switch' | 'done';
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
  /** Events per gap-safe read (default 5000). */
  batchSize?: number;
  /** Write the touched rows every this many events (default 50,000). States stay in memory in between. */
  flushEvery?: number;
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
 * 2. Bulk: the log is read gap-safely from the start in short transactions
 *    (never one long one: its xid would hold back every gap-safe reader,
 *    the live projector included), folded with the shared `evolve` into
 *    in-memory states, and written every `flushEvery` events. The serving
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
  const batchSize = opts.batchSize ?? 5000;
  const flushEvery = opts.flushEvery ?? 50_000;
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);

  // 1. New generation.
  const { generation, previous } = await prepareGeneration(pool, q, projection);
  const suffix = `_g${generation}`;
  const next = rmTables(opts.schema, suffix);
  const genCheckpoint = `${projection}@g${generation}`;
  const countTotal = async () => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${q}.events`)).rows[0].n);
  let total = await countTotal();

  // 2. Bulk.
  const states = new Map<string, StoryTimeline>();
  let cp: Checkpoint = START_CHECKPOINT;
  let applied = 0;
  let pending: FoldedBatch | null = null;
  let pendingCount = 0;
  const flush = async () => {
    if (!pending) return;
    const batch = pending;
    pending = null;
    pendingCount = 0;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await writeTimelineRows(client, next, states, batch);
      await log.saveCheckpoint(genCheckpoint, cp, client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  for (;;) {
    const events = await log.readAllGapSafe(cp, batchSize);
    if (events.length) {
      pending = foldTimelineBatch(states, events, pending ?? undefined);
      pendingCount += events.length;
      applied += events.length;
      cp = checkpointOf(events[events.length - 1]);
      if (applied > total) total = await countTotal();
      opts.onProgress?.({ phase: 'bulk', generation, applied, total, elapsedMs: elapsed() });
    }
    if (pendingCount >= flushEvery || events.length < batchSize) await flush();
    if (events.length < batchSize) break; // close to the head: the rest is folded inside the switch
  }

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
        for (const id of new Set(events.map((e) => (e as StoredEvent & { data: { storyId: string } }).data.storyId))) {
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

/** Drop leftovers of earlier rebuilds, then create the new generation's empty tables. */
async function prepareGeneration(pool: Pool, q: string, projection: string): Promise<{ generation: number; previous: number }> {
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
    for (const t of READ_MODEL_TABLES) await client.query(`CREATE TABLE ${q}.${t}_g${generation} (LIKE ${q}.${t} INCLUDING ALL)`);
    await client.query(`INSERT INTO ${q}.rm_generations (projection, generation, status) VALUES ($1, $2, 'building')`, [projection, generation]);
    await client.query('COMMIT');
    return { generation, previous: active.generation };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
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

/**
 * Emmett's side of the rebuild benchmark (issue 8, `rebuild_ratio_vs_emmett`):
 * the same events appended with Emmett 0.42's `appendToStream` into a
 * database of its own, then rebuilt with Emmett's projection rebuild
 * (`rebuildPostgreSQLProjections`: its gap-safe batch puller, one
 * transaction and checkpoint per batch, stop when no messages are left).
 * The projection's handler does per batch what our live projector does
 * (load the touched stories' states, fold with the one shared `evolve`,
 * write the touched rows with writeTimelineRows) into the same read-model
 * tables, created by our read-model migrations in a schema of Emmett's
 * database. So both sides produce the same read model from the same events;
 * the difference measured is the rebuild strategy (Emmett's per-batch
 * projection pipeline vs our bulk fold + COPY).
 */
import { Client, Pool } from 'pg';
import { endAllPools } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, postgreSQLProjection, rebuildPostgreSQLProjections } from '@event-driven-io/emmett-postgresql';
import type { NewEvent, StoredEvent } from '@timeline/events';
import { runMigrations } from '@timeline/event-log';
import { foldTimelineBatch, loadStoryStates, READ_MODEL_MIGRATIONS, READ_MODEL_TABLES, rmTables, writeTimelineRows } from '@timeline/read-model';

/**
 * Wait until every loaded event is readable gap-safely: a transaction left
 * open anywhere on this shared server holds the snapshot xmin back, and a
 * gap-safe reader (ours and Emmett's) then waits for it; the figures must
 * not include that wait.
 */
export async function waitGapSafe(pool: { query: (sql: string) => Promise<{ rows: Array<{ n: number }> }> }, table: string, total: number): Promise<void> {
  const end = Date.now() + 300_000;
  for (;;) {
    const r = await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())`);
    if (r.rows[0].n >= total) return;
    if (Date.now() > end) throw new Error(`only ${r.rows[0].n} of ${total} events of ${table} became gap-safe readable in 5 min (a long transaction on the server)`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

const SCHEMA = 'rm_emmett';

/** URL of another database on the same server. */
function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Events per Emmett pull (our projector's default batch, PROJECTOR_BATCH_SIZE 1000; Emmett's default is 100). */
const EMMETT_BATCH = 1000;

/**
 * Append `stories` (each story's events in order) to a fresh Emmett database,
 * then rebuild `runs` times. @returns events/s of each run and the load time.
 */
export async function emmettRebuild(baseUrl: string, stories: NewEvent[][], runs: number): Promise<{ rates: number[]; durationsMs: number[]; loadMs: number; events: number }> {
  const dbName = `${new URL(baseUrl).pathname.slice(1) || 'postgres'}_emmett_rb`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = withDatabase(baseUrl, dbName);
  const store = getPostgreSQLEventStore(url);
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    // Load: one story per appender, 4 in parallel, batches of 1000 (Emmett: one stream per append).
    // recordedAt goes into the metadata: evolve reads it, and Emmett's read events do not carry a time.
    const l0 = performance.now();
    let next = 0;
    const loader = async () => {
      for (let k = next++; k < stories.length; k = next++) {
        const s = stories[k];
        for (let i = 0; i < s.length; i += 1000) {
          const recordedAt = new Date().toISOString();
          await store.appendToStream(
            s[i].streamId,
            s.slice(i, i + 1000).map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: { ...(e.metadata as Record<string, unknown>), eventId: e.eventId, recordedAt } })),
          );
        }
      }
    };
    await Promise.all([loader(), loader(), loader(), loader()]);
    const loadMs = performance.now() - l0;
    const events = stories.reduce((n, s) => n + s.length, 0);
    await waitGapSafe(pool as any, 'emt_messages', events);
    await runMigrations(pool, READ_MODEL_MIGRATIONS, { schema: SCHEMA });
    const t = rmTables(SCHEMA);

    const rates: number[] = [];
    const durationsMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      for (const table of READ_MODEL_TABLES) await pool.query(`TRUNCATE ${SCHEMA}.${table}`);
      let handled = 0;
      const projection = postgreSQLProjection<any>({
        name: `timeline_rebuild_${run}`, // a new projection name per run: Emmett starts it from the beginning of the log
        canHandle: ['WireItemRecorded', 'StatementRecorded', 'StatementRetracted'],
        handle: async (batch, context) => {
          const client = context.connection.client;
          const stored = batch.map((m: any) => ({
            eventId: m.metadata.eventId,
            streamId: m.metadata.streamName,
            type: m.type,
            schemaVersion: 1,
            data: m.data,
            metadata: m.metadata,
            streamPosition: Number(m.metadata.streamPosition),
            globalPosition: String(m.metadata.globalPosition),
            transactionId: '0',
            recordedAt: m.metadata.recordedAt,
            prevHash: '',
            hash: '',
          })) as StoredEvent[];
          const storyIds = [...new Set(stored.map((e) => (e.data as { storyId: string }).storyId))];
          const states = await loadStoryStates(client, t, storyIds);
          const folded = foldTimelineBatch(states, stored);
          await writeTimelineRows(client, t, states, folded);
          handled += stored.length;
          if (process.env.EMMETT_DEBUG) console.error(`emmett batch ${stored.length} at ${Math.round(performance.now() - r0)} ms`);
        },
      });
      const r0 = performance.now();
      const consumer = rebuildPostgreSQLProjections({ connectionString: url, projection, pulling: { batchSize: EMMETT_BATCH } } as any);
      await consumer.start();
      const ms = performance.now() - r0;
      await consumer.close();
      if (handled !== events) throw new Error(`Emmett rebuild handled ${handled} of ${events} events`);
      durationsMs.push(Math.round(ms));
      rates.push(Math.round((events * 1000) / ms));
    }
    return { rates, durationsMs, loadMs: Math.round(loadMs), events };
  } catch (err) {
    console.error('emmett rebuild failed:', err);
    throw err;
  } finally {
    await pool.end().catch(() => undefined);
    await store.close().catch(() => undefined);
    await endAllPools().catch(() => undefined); // Emmett's consumers open pools of their own (dumbo)
    // No FORCE here: terminating a connection an Emmett pool still holds makes that pool emit an
    // unhandled 'error' and kills this process. Left behind if still in use; the next run drops it first.
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}"`).catch(() => undefined);
    await admin.end();
  }
}

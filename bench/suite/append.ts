import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { createTestSchema, EVENT_LOG_MIGRATIONS, PgEventLog } from '@timeline/event-log';
import type { NewEvent } from '@timeline/events';
import { BenchContext, Benchmark, dbUrl, dropDatabase, ensureDatabase } from './context';
import { freshBatches, realEvents } from './events';
import { cpuMs } from './procs';
import { load1, round, series } from './stats';

const BATCH = 100;
const STREAMS = 10;

/**
 * Batched appends, batch 100, one client, sequential: our PgEventLog.append
 * vs Emmett's appendToStream (0.42.0), same Postgres server and settings
 * (synchronous_commit as configured, fsync on), the same event payloads
 * (real extractor output), each batch to one stream, 10 streams per run.
 * Ours is called as the event-log writer calls it (`validated: true`: its
 * controller has validated the events; Emmett validates nothing either).
 * Runs alternate which store goes first. Emmett gets its own database (it
 * uses the public schema); both tables grow across runs alike.
 */
export const appendBench: Benchmark = {
  name: 'append',
  keys: ['append_events_per_s', 'append_ratio_vs_emmett'],
  async run(ctx: BenchContext) {
    const perRun = ctx.quick ? 2_000 : 10_000;
    const pool = realEvents();
    const bytes = pool.reduce((s, e) => s + Buffer.byteLength(JSON.stringify(e.data)), 0) / pool.length;
    const emmettDb = `${ctx.database}_emmett`;
    await dropDatabase(ctx, emmettDb);
    await ensureDatabase(ctx, emmettDb);
    const ours = await createTestSchema({ url: dbUrl(ctx), migrations: EVENT_LOG_MIGRATIONS, poolMax: 2 });
    const store = getPostgreSQLEventStore(dbUrl(ctx, emmettDb));
    const log = new PgEventLog(ours.pool, { schema: ours.schema });
    const oursRates: number[] = [];
    const emmettRates: number[] = [];
    // CPU per event, less noisy than rates on a shared machine: this process (the client side of
    // each store) and the Postgres backends connected to the store's database (/proc/<pid>/stat).
    const cpu = { ours: { client: [] as number[], server: [] as number[] }, emmett: { client: [] as number[], server: [] as number[] } };
    const backendsCpuMs = async (database: string) => {
      const r = await ours.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [database]);
      return r.rows.reduce((sum, { pid }) => sum + (cpuMs(pid) ?? 0), 0);
    };
    const timeIt = async (which: 'ours' | 'emmett', fn: (b: { streamId: string; events: NewEvent[] }) => Promise<unknown>) => {
      const batches = freshBatches(pool, perRun, BATCH, STREAMS);
      const database = which === 'ours' ? ctx.database : emmettDb;
      const s0 = await backendsCpuMs(database);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const b of batches) await fn(b);
      const rate = perRun / ((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu[which].client.push(((c.user + c.system) / perRun));
      cpu[which].server.push(((await backendsCpuMs(database)) - s0) * 1000 / perRun);
      return rate;
    };
    // as the writer calls it: its controller has validated the events (validateNewEvent), so append does not again
    const runOurs = () => timeIt('ours', (b) => log.append(b.events, { validated: true }));
    const runEmmett = () =>
      timeIt('emmett', (b) =>
        store.appendToStream(
          b.streamId,
          b.events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata as Record<string, unknown> })),
        ),
      );
    try {
      for (let r = 0; r < ctx.warmups + ctx.runs; r++) {
        const first = r % 2 === 0;
        const a = first ? await runOurs() : await runEmmett();
        const b = first ? await runEmmett() : await runOurs();
        const [o, e] = first ? [a, b] : [b, a];
        if (r < ctx.warmups) continue;
        oursRates.push(o);
        emmettRates.push(e);
        const last = (xs: number[]) => round(xs[xs.length - 1], 0);
        ctx.log(
          `append run ${r - ctx.warmups + 1}: ours ${round(o, 0)} ev/s, emmett ${round(e, 0)} ev/s; CPU µs/event client+server ours ` +
            `${last(cpu.ours.client)}+${last(cpu.ours.server)}, emmett ${last(cpu.emmett.client)}+${last(cpu.emmett.server)} (load ${load1()})`,
        );
      }
    } finally {
      await store.close().catch(() => undefined);
      await ours.drop();
      await dropDatabase(ctx, emmettDb);
    }
    const o = series(oursRates, 0);
    const e = series(emmettRates, 0);
    const pairRatios = oursRates.map((x, i) => x / emmettRates[i]);
    return {
      keys: { append_events_per_s: o.median, append_ratio_vs_emmett: round(o.median / e.median, 2) },
      details: {
        batch: BATCH,
        streamsPerRun: STREAMS,
        eventsPerRun: perRun,
        meanDataBytes: Math.round(bytes),
        ours: o,
        emmett: { version: '0.42.0', ...e },
        ratioPerRunPair: series(pairRatios, 2),
        // µs of CPU per event (all runs incl. warm-up): client = this process, server = Postgres backends of the store's database
        cpuUsPerEvent: {
          ours: { client: series(cpu.ours.client, 1), server: series(cpu.ours.server, 1) },
          emmett: { client: series(cpu.emmett.client, 1), server: series(cpu.emmett.server, 1) },
        },
      },
    };
  },
};

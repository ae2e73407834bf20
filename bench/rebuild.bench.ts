/**
 * Benchmark (a measurement, not a test): `timeline projections rebuild` into
 * the timeline tables. Loads `stories` synthetic stories of `perStory`
 * events, then rebuilds `runs` times; reports events/s (median), peak RSS
 * per run and where the time goes (the log read alone; per run the bulk phase —
 * read, fold, COPY chunk by chunk —, index builds and switch).
 * Target: >= 50,000 events/s.
 * Then ours vs Emmett's projection rebuild on the same events (bench/rebuild-emmett.ts).
 * Run: `node -r ./bench/swc-hook.js bench/rebuild.bench.ts [stories] [perStory] [runs] [emmettEvents] [emmettRuns]`.
 */
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checkpoint, checkpointOf, createTestSchema, PgEventLog, START_CHECKPOINT } from '@timeline/event-log';
import { readTimelineEvents, rebuildTimeline } from '@timeline/read-model';
import { Session } from 'node:inspector/promises';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { syntheticStory } from '../test/support/synthetic-story';
import { emmettRebuild, waitGapSafe } from './rebuild-emmett';
import { peakRssMb } from './suite/procs';
import { median } from './suite/stats';

/** Busy CPU time of the whole machine so far (all cores, user + nice + sys + irq), ms. */
const machineCpuMs = () => os.cpus().reduce((n, c) => n + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);

async function main() {
  const stories = Number(process.argv[2] ?? 10);
  const perStory = Number(process.argv[3] ?? 10_000);
  const runs = Number(process.argv[4] ?? 3);
  // Emmett comparison: one story of this many events rebuilt by both stores, `emmettRuns` times each; 0 = skip.
  // Small: Emmett 0.42's projector hands the projection one event per call, one transaction each (~15-50 events/s here).
  const emmettEvents = Number(process.argv[5] ?? 1000);
  const emmettRuns = Number(process.argv[6] ?? 3);
  const db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 6 });
  try {
    const log = new PgEventLog(db.pool, { schema: db.schema });
    // Load with 4 appenders in parallel (one story each at a time: streams never contend).
    let nextStory = 0;
    const loader = async () => {
      for (let k = nextStory++; k < stories; k = nextStory++) {
        const s = syntheticStory({ key: `rebuild-${k}`, events: perStory });
        for (let i = 0; i < s.events.length; i += 1000) await log.append(s.events.slice(i, i + 1000));
      }
    };
    const l0 = performance.now();
    await Promise.all([loader(), loader(), loader(), loader()]);
    console.error(`loaded ${stories * perStory} events in ${Math.round(performance.now() - l0)} ms`);
    await db.pool.query(`ANALYZE "${db.schema}".events`);
    const total = stories * perStory;
    await waitGapSafe(db.pool, `"${db.schema}".events`, total);

    // Where the time goes: the log read alone (gap-safe pages of 20,000, decoded, then dropped: nothing is kept).
    let cp: Checkpoint = START_CHECKPOINT;
    const r0 = performance.now();
    for (;;) {
      const ev = await readTimelineEvents(db.pool, db.schema, cp, 20_000);
      if (!ev.length) break;
      cp = checkpointOf(ev[ev.length - 1]);
    }
    const readMs = performance.now() - r0;

    // Time every SQL statement the rebuild sends, by its first words (where the database time goes).
    const sqlMs: Record<string, number> = {};
    const connect = db.pool.connect.bind(db.pool) as () => Promise<import('pg').PoolClient>;
    const original = db.pool.connect;
    (db.pool as unknown as { connect: (cb?: unknown) => unknown }).connect = function (this: unknown, cb?: unknown) {
      if (cb) return (original as (cb: unknown) => void).call(db.pool, cb); // pool.query's own path: untouched
      return wrapped();
    };
    const wrapped = async () => {
      const c = await connect();
      if ((c as unknown as { timed?: boolean }).timed) return c;
      (c as unknown as { timed?: boolean }).timed = true;
      const q = c.query.bind(c) as (...a: unknown[]) => Promise<unknown>;
      (c as unknown as { query: unknown }).query = (...a: unknown[]) => {
        if (a[0] && typeof (a[0] as { submit?: unknown }).submit === 'function') return q(...a); // a COPY stream: pass through
        return timed(a);
      };
      const timed = async (a: unknown[]) => {
        const t = performance.now();
        try {
          return await q(...a);
        } finally {
          const sql = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string })?.text ?? '');
          const m = /^\s*(INSERT INTO \S+|SELECT|ALTER|UPDATE|DELETE|BEGIN|COMMIT|SET|CREATE|DROP)/.exec(sql);
          const k = (m?.[1] ?? sql.slice(0, 20)).replace(/"[^"]+"\./, '');
          sqlMs[k] = (sqlMs[k] ?? 0) + performance.now() - t;
        }
      };
      return c;
    };
    const rates: number[] = [];
    const reports = [];
    // REBUILD_CPU_PROF=<file.cpuprofile>: V8 CPU profile of the rebuild runs only (not the load), for bench/profile-top.js.
    const prof = process.env.REBUILD_CPU_PROF ? new Session() : null;
    if (prof) {
      prof.connect();
      await prof.post('Profiler.enable');
      await prof.post('Profiler.start');
    }
    for (let i = 0; i < runs; i++) {
      let rss = process.memoryUsage().rss;
      const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 100);
      const at: Record<string, number> = {};
      const cpu0 = process.cpuUsage();
      const m0 = machineCpuMs();
      const r = await rebuildTimeline(db.pool, log, { schema: db.schema, onProgress: (p) => void (at[p.phase] ??= p.elapsedMs) });
      clearInterval(sampler);
      const cpu = process.cpuUsage(cpu0);
      const machineMs = machineCpuMs() - m0;
      rates.push(r.eventsPerSecond);
      reports.push({
        events: r.events, durationMs: r.durationMs, switchMs: r.switchMs, eventsPerSecond: r.eventsPerSecond,
        // bulk: read + fold + COPY of every chunk; indexes: building them (and the switch, switchMs of it)
        phasesMs: { bulk: at.index, indexesAndSwitch: (at.switch ?? 0) - (at.index ?? 0), dropPrevious: r.durationMs - (at.switch ?? 0) },
        // CPU time of this process (the rebuild's JS: decode, fold, COPY text), not Postgres'
        clientCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        // CPU time of the whole machine meanwhile (every core: this process, Postgres, anything else running)
        machineCpuMs: Math.round(machineMs),
        rssMbMax: Math.round(Math.max(rss, process.memoryUsage().rss) / 1e6),
      });
    }
    if (prof) {
      const { profile } = await prof.post('Profiler.stop');
      writeFileSync(process.env.REBUILD_CPU_PROF!, JSON.stringify(profile));
      prof.disconnect();
    }
    const med = median(reports.map((r) => r.durationMs));

    // Ours vs Emmett on the same events (one story of `emmettEvents` events), each store in its own database/schema.
    let emmett: Record<string, unknown> | null = null;
    if (emmettEvents > 0 && emmettRuns > 0) {
      const subset = [syntheticStory({ key: 'rebuild-emmett', events: emmettEvents }).events];
      const db2 = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 6 });
      const ours: number[] = [];
      try {
        const log2 = new PgEventLog(db2.pool, { schema: db2.schema });
        for (const evs of subset) for (let i = 0; i < evs.length; i += 1000) await log2.append(evs.slice(i, i + 1000));
        await db2.pool.query(`ANALYZE "${db2.schema}".events`);
        await waitGapSafe(db2.pool, `"${db2.schema}".events`, subset.reduce((n, e) => n + e.length, 0));
        for (let i = 0; i < emmettRuns; i++) ours.push((await rebuildTimeline(db2.pool, log2, { schema: db2.schema })).eventsPerSecond);
      } finally {
        await db2.drop();
      }
      const em = await emmettRebuild(process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test', subset, emmettRuns);
      emmett = {
        events: em.events,
        version: '@event-driven-io/emmett-postgresql 0.42.0, rebuildPostgreSQLProjections, pull batch 1000',
        emmettEventsPerSecond: em.rates,
        emmettDurationsMs: em.durationsMs,
        emmettLoadMs: em.loadMs,
        oursEventsPerSecond: ours,
        ratio: +(median(ours) / median(em.rates)).toFixed(2),
      };
    }
    const result = {
      bench: 'rebuild of the timeline read model',
      events: total,
      stories,
      runs: reports,
      medianEventsPerSecond: median(rates),
      breakdownMs: {
        total: med,
        logReadAloneGapSafePages: Math.round(readMs),
      },
      // peak resident memory of this process (VmHWM, MB): loading, the read-alone pass and every rebuild run
      vmHwmMb: Math.round(peakRssMb(process.pid) ?? 0),
      sqlMsAllRunsOnPoolClients: Object.fromEntries(Object.entries(sqlMs).map(([k, v]) => [k, Math.round(v)]).sort((a, b) => (b[1] as number) - (a[1] as number))),
      emmett,
      targetEventsPerSecond: 50_000,
      loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
      node: process.version,
      at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(path.join(__dirname, 'results', 'rebuild.json'), JSON.stringify(result, null, 2) + '\n');
  } catch (err) {
    console.error(err);
    throw err;
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

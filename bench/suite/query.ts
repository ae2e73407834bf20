import autocannon from 'autocannon';
import { createTestSchema, PgEventLog } from '@timeline/event-log';
import { deterministicId, NewEvent } from '@timeline/events';
import { extract } from '@timeline/extraction';
import { finishItem, normalizeNinjs } from '@timeline/feeds';
import { TimelineProjection } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { recordItemEvents } from '@timeline/timeline';
import { Benchmark, BenchContext, dbUrl } from './context';
import { generateItems } from './items';
import { freePort, peakRssMb, startApp, stopApp } from './procs';
import { load1, round, series } from './stats';

/** The events of one story with exactly `statements` statements (generated items through the extractor). */
export function storyEvents(key: string, statements: number): { storyId: string; events: NewEvent[] } {
  const storyId = deterministicId('bench-query-story', key);
  const items = generateItems({ runKey: key, stories: 1, itemsPerStory: Math.ceil(statements / 8) + 5, dayOffset: 400 });
  const events: NewEvent[] = [];
  let left = statements;
  for (const raw of items) {
    if (left <= 0) break;
    const item = finishItem({ ...normalizeNinjs(raw) });
    const ex = extract(item);
    const kept = { ...ex, statements: ex.statements.slice(0, left) };
    left -= kept.statements.length;
    events.push(...recordItemEvents({ item, format: 'ninjs', storyId, storyTitle: events.length ? undefined : item.headline, extraction: kept, correlationId: 'bench' }));
  }
  if (left > 0) throw new Error(`generated story has ${statements - left} statements, wanted ${statements}`);
  return { storyId, events };
}

/**
 * GET /stories/:id/timeline of a 1,000-statement story at 500 requests/s
 * (autocannon, overallRate 500, 20 connections, 10 s per run) against the
 * api app running as a process on 127.0.0.1, its read model filled by the
 * projection. Figure = median over runs of autocannon's p99 latency.
 */
export const queryBench: Benchmark = {
  name: 'query',
  keys: ['query_p99_ms'],
  async run(ctx: BenchContext) {
    const db = await createTestSchema({ url: dbUrl(ctx), migrations: ALL_MIGRATIONS, poolMax: 4 });
    let api: Awaited<ReturnType<typeof startApp>> | undefined;
    try {
      const { storyId, events } = storyEvents('q', 1000);
      const log = new PgEventLog(db.pool, { schema: db.schema });
      for (let i = 0; i < events.length; i += 100) await log.append(events.slice(i, i + 100));
      const proj = new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 1000 });
      for (let i = 0; i < 100; i++) if ((await proj.step()).applied === 0) break;
      await db.pool.query(`ANALYZE "${db.schema}".rm_statements`);
      const port = await freePort();
      api = await startApp(ctx.root, 'api', { DATABASE_URL: dbUrl(ctx), DATABASE_SCHEMA: db.schema, API_PORT: String(port), PG_POOL_MAX: '10', HOST: '127.0.0.1' });
      const url = `http://127.0.0.1:${port}/stories/${storyId}/timeline`;
      const body = (await (await fetch(url)).json()) as { statements: unknown[] };
      const bytes = Buffer.byteLength(JSON.stringify(body));
      if (body.statements.length !== 1000) throw new Error(`timeline has ${body.statements.length} statements, expected 1000`);
      const duration = ctx.quick ? 3 : 10;
      const p99: number[] = [];
      const p50: number[] = [];
      const rps: number[] = [];
      let errors = 0;
      for (let r = 0; r < ctx.warmups + ctx.runs; r++) {
        const res = await autocannon({ url, connections: 20, overallRate: 500, duration: r < ctx.warmups ? Math.min(5, duration) : duration });
        if (process.env.BENCH_DEBUG) ctx.log(JSON.stringify({ ...res, histogram: undefined }).slice(0, 1500));
        if (r < ctx.warmups) continue;
        p99.push(res.latency.p99);
        p50.push(res.latency.p50);
        rps.push(res.requests.average);
        errors += res.errors + res.non2xx + res.timeouts;
        ctx.log(`query run ${r - ctx.warmups + 1}: p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms, ${res.requests.average} req/s, non-2xx ${res.non2xx} (load ${load1()})`);
      }
      return {
        keys: { query_p99_ms: series(p99).median },
        details: {
          statements: 1000,
          responseBytes: bytes,
          offeredRate: 500,
          connections: 20,
          secondsPerRun: duration,
          p99Ms: series(p99),
          p50Ms: series(p50),
          achievedReqPerS: series(rps),
          errors,
          apiPeakRssMb: peakRssMb(api.pid),
        },
        notes: [`${round(bytes / 1024, 0)} KiB JSON per answer; achieved ${series(rps).median} req/s of 500 offered`],
      };
    } finally {
      if (api) await stopApp(api);
      await db.drop();
    }
  },
};

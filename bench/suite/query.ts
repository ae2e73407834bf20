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

/** One autocannon series: warm-ups dropped, p50 / p99 / req/s per measured run. */
async function measure(ctx: BenchContext, url: string, label: string, runs: number, warmups: number, duration: number) {
  const p99: number[] = [];
  const p50: number[] = [];
  const rps: number[] = [];
  let errors = 0;
  for (let r = 0; r < warmups + runs; r++) {
    const res = await autocannon({ url, connections: 20, overallRate: 500, duration: r < warmups ? Math.min(5, duration) : duration });
    if (process.env.BENCH_DEBUG) ctx.log(JSON.stringify({ ...res, histogram: undefined }).slice(0, 1500));
    if (r < warmups) continue;
    p99.push(res.latency.p99);
    p50.push(res.latency.p50);
    rps.push(res.requests.average);
    errors += res.errors + res.non2xx + res.timeouts;
    ctx.log(`${label} run ${r - warmups + 1}: p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms, ${res.requests.average} req/s, non-2xx ${res.non2xx} (load ${load1()})`);
  }
  return { p99: series(p99), p50: series(p50), rps: series(rps), errors };
}

/**
 * GET /stories/:id/timeline of a 1,000-statement story at 500 requests/s
 * (autocannon, overallRate 500, 20 connections, 10 s per run) against the
 * api app running as a process on 127.0.0.1, its read model filled by the
 * projection. The request is the endpoint's default: the first page (100
 * statements, `limit` default) of the live timeline, a 200 with the whole
 * body every time (autocannon sends no If-None-Match). Figure = median over
 * runs of autocannon's p99 latency. A second, shorter series (1 warm-up, 2
 * runs) asks for the whole story at once (`?limit=1000`), reported in the
 * details only.
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
      const fullUrl = `${url}?limit=1000`;
      const body = (await (await fetch(url)).json()) as { statements: unknown[]; nextCursor: string | null };
      const bytes = Buffer.byteLength(JSON.stringify(body));
      if (body.statements.length !== 100 || !body.nextCursor) throw new Error(`default page has ${body.statements.length} statements (next ${body.nextCursor}), expected 100 and a next page`);
      const full = (await (await fetch(fullUrl)).json()) as { statements: unknown[] };
      const fullBytes = Buffer.byteLength(JSON.stringify(full));
      if (full.statements.length !== 1000) throw new Error(`timeline has ${full.statements.length} statements, expected 1000`);
      const duration = ctx.quick ? 3 : 10;
      const page = await measure(ctx, url, 'query (default page)', ctx.runs, ctx.warmups, duration);
      const whole = await measure(ctx, fullUrl, 'query (?limit=1000)', ctx.quick ? 1 : 2, 1, duration);
      return {
        keys: { query_p99_ms: page.p99.median },
        details: {
          statements: 1000,
          request: 'GET /stories/:id/timeline (default page: first 100 statements, nextCursor set)',
          pageStatements: 100,
          responseBytes: bytes,
          offeredRate: 500,
          connections: 20,
          secondsPerRun: duration,
          p99Ms: page.p99,
          p50Ms: page.p50,
          achievedReqPerS: page.rps,
          errors: page.errors,
          wholeStory: { request: 'GET /stories/:id/timeline?limit=1000', responseBytes: fullBytes, p99Ms: whole.p99, p50Ms: whole.p50, achievedReqPerS: whole.rps, errors: whole.errors },
          apiPeakRssMb: peakRssMb(api.pid),
        },
        notes: [
          `default page (100 of 1,000 statements): ${round(bytes / 1024, 0)} KiB JSON per answer, achieved ${page.rps.median} req/s of 500 offered; ` +
            `whole story (?limit=1000, ${round(fullBytes / 1024, 0)} KiB): p99 ${whole.p99.median} ms at ${whole.rps.median} req/s`,
        ],
      };
    } finally {
      if (api) await stopApp(api);
      await db.drop();
    }
  },
};

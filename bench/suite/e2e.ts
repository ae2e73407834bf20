import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestSchema } from '@timeline/event-log';
import { connectNats } from '@timeline/messaging';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { Benchmark, BenchContext, dbUrl } from './context';
import { generateItems, NinjsItem, wordCount } from './items';
import { AppProcess, cpuMs, freePort, peakRssMb, startApp, stopApp } from './procs';
import { load1, percentile, round, series } from './stats';

const CONCURRENCY = 4;

/**
 * End to end through the four apps, each its own process, over NATS
 * JetStream and Postgres: generated statement-rich ninjs items (5 per story)
 * POSTed to ingest with 4 requests in flight; an item is visible when the
 * projector's checkpoint has passed its last event (the same transaction
 * commits the timeline rows), observed on the projector's
 * `<prefix>.timeline.updated` wake-up (plus a 20 ms poll).
 * items/s = items / (last visible − first POST); latency = POST sent → visible.
 * rss_mb_max = the largest VmHWM of the four processes at the end.
 * CPU ms per item, per app: /proc/<pid>/stat user + system time over the run
 * (first POST until the last item is visible) / items — less noisy than the
 * rates on a shared machine.
 */
export const e2eBench: Benchmark = {
  name: 'e2e',
  keys: ['e2e_items_per_s', 'e2e_p99_ms', 'rss_mb_max'],
  async run(ctx: BenchContext) {
    const perRun = ctx.quick ? 40 : Number(process.env.BENCH_E2E_ITEMS ?? 200);
    const db = await createTestSchema({ url: dbUrl(ctx), migrations: ALL_MIGRATIONS, poolMax: 3 });
    const id = randomBytes(4).toString('hex');
    const [apiPort, ingestPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: dbUrl(ctx),
      DATABASE_SCHEMA: db.schema,
      NATS_URL: ctx.natsUrl,
      JS_STREAM: `BENCH_${id}`,
      JS_SUBJECT_PREFIX: `bench${id}`,
      JS_DURABLE: `writer-${id}`,
      API_PORT: String(apiPort),
      INGEST_PORT: String(ingestPort),
      HOST: '127.0.0.1',
    };
    const apps: AppProcess[] = [];
    const nc = await connectNats({ servers: ctx.natsUrl.split(','), name: 'bench-e2e' });
    const S = `"${db.schema}"`;
    try {
      for (const name of ['ingest', 'event-log-writer', 'projector', 'api']) apps.push(await startApp(ctx.root, name, env));
      const ingestUrl = `http://127.0.0.1:${ingestPort}/items`;

      // Visibility: item's last event at or before the projector checkpoint.
      const pending = new Map<string, { uri: string; sent: number; acked: number }>();
      const visible = new Map<string, number>();
      let checking = false;
      const check = async () => {
        if (checking || pending.size === 0) return;
        checking = true;
        try {
          const ids = [...pending.keys()];
          const r = await db.pool.query<{ id: string }>(
            `SELECT e.event_id::text AS id FROM ${S}.events e JOIN ${S}.checkpoints c ON c.name = 'timeline'
              WHERE e.event_id = ANY($1::uuid[]) AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.global_position)`,
            [ids],
          );
          const now = performance.now();
          for (const { id: eid } of r.rows) {
            const p = pending.get(eid);
            if (p) {
              visible.set(p.uri, now);
              pending.delete(eid);
            }
          }
        } finally {
          checking = false;
        }
      };
      const sub = nc.subscribe(`${env.JS_SUBJECT_PREFIX}.timeline.updated`, { callback: () => void check() });
      const poll = setInterval(() => void check(), 20);

      const runOnce = async (r: number) => {
        const items = generateItems({ runKey: `${id}-r${r}`, stories: Math.ceil(perRun / 5), itemsPerStory: 5, dayOffset: r * 40 }).slice(0, perRun);
        const sent = new Map<string, { sent: number; acked: number }>();
        visible.clear();
        let next = 0;
        const cpu0 = apps.map((a) => cpuMs(a.pid));
        const t0 = performance.now();
        const worker = async () => {
          while (next < items.length) {
            const item: NinjsItem = items[next++];
            const s = performance.now();
            const res = await fetch(ingestUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) });
            const acked = performance.now();
            if (res.status !== 202) throw new Error(`POST /items answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
            const body = (await res.json()) as { eventIds: string[] };
            sent.set(item.uri, { sent: s, acked });
            pending.set(body.eventIds[body.eventIds.length - 1], { uri: item.uri, sent: s, acked });
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        const ingested = performance.now();
        const deadline = Date.now() + 120_000;
        while (visible.size < items.length) {
          if (Date.now() > deadline) throw new Error(`run ${r}: only ${visible.size}/${items.length} items visible after 120 s`);
          await new Promise((res) => setTimeout(res, 10));
        }
        const last = Math.max(...visible.values());
        const cpuPerItem = Object.fromEntries(
          apps.map((a, i) => {
            const c1 = cpuMs(a.pid);
            const c0 = cpu0[i];
            return [a.name, c1 === null || c0 === null ? null : round((c1 - c0) / items.length, 2)];
          }),
        );
        const lat = items.map((it) => visible.get(it.uri)! - sent.get(it.uri)!.sent);
        const ack = items.map((it) => sent.get(it.uri)!.acked - sent.get(it.uri)!.sent);
        const after = items.map((it) => visible.get(it.uri)! - sent.get(it.uri)!.acked);
        return {
          itemsPerS: items.length / ((last - t0) / 1000),
          ingestItemsPerS: items.length / ((ingested - t0) / 1000),
          p99: percentile(lat, 99),
          p50: percentile(lat, 50),
          ackP99: percentile(ack, 99),
          afterAckP99: percentile(after, 99),
          words: items.reduce((s, it) => s + wordCount(it.body_text), 0) / items.length,
          cpuPerItem,
        };
      };

      const results: Array<Awaited<ReturnType<typeof runOnce>>> = [];
      for (let r = 0; r < ctx.warmups + ctx.runs; r++) {
        const res = await runOnce(r);
        ctx.log(
          `e2e run ${r < ctx.warmups ? 'warm-up' : r - ctx.warmups + 1}: ${round(res.itemsPerS)} items/s (ingest accepts ${round(res.ingestItemsPerS)}/s), ` +
            `p50 ${round(res.p50)} ms, p99 ${round(res.p99)} ms (POST→202 p99 ${round(res.ackP99)}, 202→visible p99 ${round(res.afterAckP99)}) ` +
            `CPU ms/item ${Object.entries(res.cpuPerItem).map(([k, v]) => `${k} ${v}`).join(', ')} (load ${load1()})`,
        );
        if (r >= ctx.warmups) results.push(res);
      }
      clearInterval(poll);
      sub.unsubscribe();
      const rss = Object.fromEntries(apps.map((a) => [a.name, peakRssMb(a.pid)]));
      const stmts = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${S}.rm_statements`);
      const items = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${S}.rm_items`);
      const rssMax = Math.max(...(Object.values(rss).filter((x) => x !== null) as number[]));
      return {
        keys: { e2e_items_per_s: series(results.map((x) => x.itemsPerS)).median, e2e_p99_ms: series(results.map((x) => x.p99)).median, rss_mb_max: rssMax },
        details: {
          itemsPerRun: perRun,
          itemsPerStory: 5,
          wordsPerItem: results[0]?.words,
          statementsPerItem: round(stmts.rows[0].n / Math.max(1, items.rows[0].n), 1),
          concurrency: CONCURRENCY,
          itemsPerS: series(results.map((x) => x.itemsPerS)),
          ingestAcceptsItemsPerS: series(results.map((x) => x.ingestItemsPerS)),
          p50Ms: series(results.map((x) => x.p50)),
          p99Ms: series(results.map((x) => x.p99)),
          postTo202P99Ms: series(results.map((x) => x.ackP99)),
          acceptedToVisibleP99Ms: series(results.map((x) => x.afterAckP99)),
          peakRssMbByApp: rss,
          cpuMsPerItemByApp: Object.fromEntries(apps.map((a) => [a.name, series(results.map((x) => x.cpuPerItem[a.name]).filter((v): v is number => v !== null), 2)])),
        },
        notes: [`apps run from the current sources (node -r bench/swc-hook.js apps/<name>/main.ts), product defaults (writer batch 100 / 5 ms, projector batch 1000)`],
      };
    } finally {
      for (const a of apps.reverse()) await stopApp(a).catch(() => undefined);
      const jsm = await jetstreamManager(nc).catch(() => null);
      if (jsm) {
        await jsm.streams.delete(env.JS_STREAM).catch(() => undefined);
        await jsm.streams.delete(`${env.JS_STREAM}_DLQ`).catch(() => undefined);
      }
      await nc.close().catch(() => undefined);
      await db.drop();
    }
  },
};

import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createTestSchema, PgEventLog, sampleWireItemEvent, TestSchema } from '@timeline/event-log';
import { connectNats, ensureStream } from '@timeline/messaging';
import { TIMELINE_PROJECTION } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { spawnApp } from './support/processes';

/**
 * Graceful shutdown (issue 5, item 7): the writer and the projector run as
 * real processes; SIGTERM arrives while a backlog is being appended and
 * projected. Each must exit 0 within SHUTDOWN_GRACE_MS, the writer holding
 * no unacked message it received (finished or nak'ed), the projector's
 * checkpoint matching its rows; after a restart every event is in the log
 * exactly once and applied exactly once.
 */
describe('graceful shutdown of writer and projector mid-stream', () => {
  // Large enough that the writer (10 per batch) is still mid-stream when the test sees 200 logged: with 1,200 a fast
  // writer on a quiet machine had logged all of them by the time SIGTERM arrived (the test failed in CI).
  const N = 6000;
  const GRACE = 10_000;
  let db: TestSchema;
  const id = randomBytes(4).toString('hex');
  const env = () => ({
    DATABASE_URL: db.url,
    DATABASE_SCHEMA: db.schema,
    JS_STREAM: `TIMELINE_SD_${id}`,
    JS_SUBJECT_PREFIX: `sd${id}`,
    JS_DURABLE: `writer-${id}`,
    PG_POOL_MAX: '4',
    LOG_LEVEL: 'log',
    WRITER_BATCH_MAX: '10',
    PROJECTOR_BATCH: '10',
    SHUTDOWN_GRACE_MS: String(GRACE),
  });

  beforeAll(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS });
  });
  afterAll(async () => {
    const nc = await connectNats();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`TIMELINE_SD_${id}`).catch(() => undefined);
    await jsm.streams.delete(`TIMELINE_SD_${id}_DLQ`).catch(() => undefined);
    await nc.close();
    await db.drop();
  });

  async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('exits 0 within the grace period having finished or nak-ed what it received, and after a restart has every event once in the log and once in the read model', async () => {
    const S = `"${db.schema}"`;
    const count = async (sql: string) => Number((await db.pool.query(sql)).rows[0].n);
    const events = Array.from({ length: N }, (_, i) => sampleWireItemEvent(`sd-story-${i % 25}`, `sd-${i}`));

    // The backlog: published before any writer runs (the stream keeps it).
    const nc = await connectNats();
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, { name: env().JS_STREAM, subjects: [`${env().JS_SUBJECT_PREFIX}.items`] });
    const js = jetstream(nc);
    for (let i = 0; i < N; i += 250) {
      await Promise.all(events.slice(i, i + 250).map((e) => js.publish(`${env().JS_SUBJECT_PREFIX}.items`, JSON.stringify({ events: [e] }), { msgID: e.eventId })));
    }

    let writer = await spawnApp('event-log-writer', env());
    let projector = await spawnApp('projector', env());
    await until(async () => (await count(`SELECT count(*) AS n FROM ${S}.events`)) >= 200, 'the writer to be mid-stream');

    const [w, pr] = await Promise.all([writer.stop('SIGTERM'), projector.stop('SIGTERM')]);
    expect({ writer: w.code, projector: pr.code }).toEqual({ writer: 0, projector: 0 });
    expect(w.ms).toBeLessThan(GRACE);
    expect(pr.ms).toBeLessThan(GRACE);
    for (const out of [writer.output(), projector.output()]) expect(out).not.toMatch(/shutdown took longer|error during shutdown|still running after/);

    const logged = await count(`SELECT count(*) AS n FROM ${S}.events`);
    process.stdout.write(`shutdown: writer exited in ${w.ms} ms, projector in ${pr.ms} ms, with ${logged}/${N} events logged\n`);
    expect(logged).toBeLessThan(N); // stopped mid-stream, not after the end
    // The writer finished or nak'ed what it had received. Only messages still on the wire when it
    // unsubscribed (at most one pull batch, WRITER_BATCH_MAX) wait out their ack wait (30 s) before redelivery.
    const info = await jsm.consumers.info(env().JS_STREAM, env().JS_DURABLE);
    expect(info.num_ack_pending).toBeLessThanOrEqual(10);
    expect(info.num_pending + info.num_ack_pending).toBe(N - logged);
    // The projector's checkpoint covers exactly the rows it wrote.
    const applied = await count(`SELECT count(*) AS n FROM ${S}.rm_item_versions`);
    const covered = await count(
      `SELECT count(*) AS n FROM ${S}.events e, ${S}.checkpoints c WHERE c.name = '${TIMELINE_PROJECTION}' AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.global_position)`,
    );
    expect(applied).toBe(covered);

    writer = await spawnApp('event-log-writer', env());
    projector = await spawnApp('projector', env());
    const log = new PgEventLog(db.pool, { schema: db.schema });
    await until(async () => (await count(`SELECT count(*) AS n FROM ${S}.events`)) === N && (await log.stats(TIMELINE_PROJECTION)).eventsBehind === 0, 'every event logged and applied');
    const [w2, p2] = await Promise.all([writer.stop('SIGTERM'), projector.stop('SIGTERM')]);
    expect([w2.code, p2.code]).toEqual([0, 0]);
    await nc.close();

    const ids = (await db.pool.query(`SELECT event_id::text AS id FROM ${S}.events`)).rows.map((r) => r.id).sort();
    expect(ids).toEqual(events.map((e) => e.eventId).sort());
    const gaps = await count(
      `SELECT count(*) AS n FROM (SELECT stream_id, max(stream_position) AS m, count(*) AS c FROM ${S}.events GROUP BY stream_id) s WHERE m <> c`,
    );
    expect(gaps).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM ${S}.rm_item_versions`)).toBe(N);
    expect(await count(`SELECT sum(item_count) AS n FROM ${S}.rm_stories`)).toBe(N);
    expect((await log.verifyChains()).ok).toBe(true);
  }, 300_000);
});

import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestSchema, PgEventLog, sampleWireItemEvent, TestSchema } from '@timeline/event-log';
import { ReadModelQueries, TimelineProjection } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { StoryEvents } from './story-events';

/**
 * The SSE hub without NATS (NATS down or absent): it polls the watched
 * stories' heads in the real read model. Waits on the stream, never on sleeps.
 */
describe('StoryEvents without NATS: polling fallback', () => {
  let db: TestSchema;
  let log: PgEventLog;
  let projection: TimelineProjection;
  let hub: StoryEvents;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 4 });
    log = new PgEventLog(db.pool, { schema: db.schema });
    projection = new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 100 });
    const q = new ReadModelQueries(db.pool, db.schema);
    hub = new StoryEvents((ids) => q.storyHeads(ids), { subject: 'unused.timeline.updated', pollMs: 50 });
    server = createServer(async (req, res) => {
      const storyId = req.url!.slice(1);
      const pos = await q.storyPosition(storyId);
      if (pos === null) {
        res.statusCode = 404;
        res.end();
        return;
      }
      hub.open(storyId, pos, undefined, req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hub.beforeApplicationShutdown();
    await new Promise((r) => server.close(r));
    await db.drop();
  });

  it('pushes `timeline` with the new head when the projector applies an event, drops the client on close, and ends streams on shutdown', async () => {
    const first = sampleWireItemEvent('sse', 'a', 1);
    await log.append([first]);
    const storyId = (first.data as { storyId: string }).storyId;
    const q = new ReadModelQueries(db.pool, db.schema);
    // step until applied (another test's open transaction can hold the gap-safe read back briefly)
    const projected = async (n: number) => {
      for (let i = 0; i < 1000; i++) {
        await projection.step();
        const h = (await q.storyHeads([storyId])).get(storyId);
        if (h && BigInt(h.globalPosition) >= BigInt(await log.headPosition()) && (await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".rm_items`)).rows[0].n === n) return h;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('projection did not catch up');
    };
    await projected(1);
    expect(hub.usingNats).toBe(false);

    const ctl = new AbortController();
    const res = await fetch(`${url}/${storyId}`, { signal: ctl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    const until = async (re: RegExp) => {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) return false;
        text += dec.decode(value, { stream: true });
      }
      return true;
    };
    expect(await until(/: connected\n\n/)).toBe(true);
    expect(hub.size).toBe(1);

    await log.append([sampleWireItemEvent('sse', 'b', 1)]);
    const head = await projected(2);
    expect(await until(/event: timeline\ndata: .*\n\n/)).toBe(true);
    const data = JSON.parse(/event: timeline\ndata: (.*)\n\n/.exec(text)![1]);
    expect(data).toEqual({ storyId, globalPosition: head.globalPosition, recordedAt: head.recordedAt });
    expect(text).toContain(`id: ${head.globalPosition}\n`);

    ctl.abort();
    await reader.closed.catch(() => undefined);
    for (let i = 0; i < 200 && hub.size > 0; i++) await new Promise((r) => setImmediate(r));
    expect(hub.size).toBe(0);

    const second = await fetch(`${url}/${storyId}`);
    const r2 = second.body!.getReader();
    await r2.read(); // ": connected"
    hub.beforeApplicationShutdown();
    let ended = false;
    for (let i = 0; i < 10 && !ended; i++) ended = (await r2.read()).done;
    expect(ended).toBe(true);
  }, 30_000);
});

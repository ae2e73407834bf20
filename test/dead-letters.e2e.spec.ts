import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { listDeadLetters, recordDeadLetter, sampleWireItemEvent } from '@timeline/event-log';
import { connectNats } from '@timeline/messaging';
import { redriveDeadLetters } from '../apps/cli/dead-letters.command';
import { Pipeline, startPipeline } from './support/pipeline';

/**
 * Writer dead letters (issue 5, item 3) through the running pipeline: an
 * invalid message is recorded in dead_letters AND published to the
 * dead-letter subject, listed by GET /dead-letters and counted by /health;
 * `timeline dead-letters redrive` republishes a writer dead letter to the
 * items subject. Waits on conditions only.
 */
describe('writer dead letters, GET /dead-letters and redrive', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  async function until<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('records an invalid message in dead_letters and on the dead-letter subject; the API lists it; redrive republishes a fixed one', async () => {
    const nc = await connectNats({ servers: p.cfg.natsUrl.split(',') });
    try {
      const js = jetstream(nc);
      const ack = await js.publish(p.cfg.itemsSubject, JSON.stringify({ events: [{ type: 'NoSuchEvent' }] }), { msgID: 'poison-message-1' });
      const dead = await until(async () => (await listDeadLetters(p.db.pool, p.db.schema)).find((d) => d.source === 'writer'), 'the writer dead letter');
      expect(dead).toMatchObject({ source: 'writer', subject: p.cfg.itemsSubject, stream: p.cfg.stream, streamSeq: String(ack.seq), msgId: 'poison-message-1', attempts: 1, redrivenAt: null });
      expect(dead.error).toMatch(/^permanent: rejected message/);
      expect(JSON.parse(dead.payload)).toEqual({ events: [{ type: 'NoSuchEvent' }] });

      // Still published to the dead-letter subject (stream <JS_STREAM>_DLQ).
      const jsm = await jetstreamManager(nc);
      await until(async () => (await jsm.streams.info(`${p.cfg.stream}_DLQ`)).state.messages === 1, 'the DLQ message');

      const list: any = await (await fetch(`${p.apiUrl}/dead-letters?pending=true`)).json();
      expect(list.pending).toEqual({ total: 1, bySource: { writer: 1 } });
      expect(list.deadLetters.map((d: any) => d.id)).toEqual([dead.id]);
      // Every malformed parameter gets 400 naming it (they were plain messages without `field`).
      for (const [query, field] of [['limit=0', 'limit'], ['source=nobody', 'source'], ['pending=yes', 'pending'], ['storyId=x', 'storyId'], ['limit=1&limit=2', 'limit']]) {
        const res = await fetch(`${p.apiUrl}/dead-letters?${query}`);
        expect([query, res.status, ((await res.json()) as any).field]).toEqual([query, 400, field]);
      }
      const health: any = await (await fetch(`${p.apiUrl}/health`)).json();
      expect(health.details.deadLetters).toEqual({ status: 'up', pending: 1, bySource: { writer: 1 } });
      expect(health.details.consumer).toMatchObject({ status: 'up', durable: p.cfg.durable, pending: 0 });

      // A message dead-lettered before a fix (its body is valid today): redrive sends it back and the writer appends it.
      const good = sampleWireItemEvent('redrive-story', 'redrive-item');
      const fixedId = await recordDeadLetter(p.db.pool, p.db.schema, {
        source: 'writer', subject: p.cfg.itemsSubject, stream: p.cfg.stream, streamSeq: 999_999, error: 'permanent: a since-fixed bug', attempts: 1,
        payload: JSON.stringify({ events: [good] }),
      });
      const out = await redriveDeadLetters([fixedId], p.cfg);
      expect(out).toEqual([{ id: fixedId, source: 'writer', ok: true, detail: `republished to ${p.cfg.itemsSubject}` }]);
      await p.settled([good.eventId]);
      expect((await listDeadLetters(p.db.pool, p.db.schema, { ids: [fixedId] }))[0].redrivenAt).not.toBeNull();

      // Redriving the still-invalid one: it fails again and is recorded again (a new message, a new row).
      await redriveDeadLetters([dead.id], p.cfg);
      await until(async () => (await listDeadLetters(p.db.pool, p.db.schema, { source: 'writer', pendingOnly: true })).length === 1, 'the second dead letter');
      await expect(redriveDeadLetters(['424242'], p.cfg)).rejects.toThrow('no dead letter with id 424242');
      await expect(redriveDeadLetters(['1; DROP TABLE events'], p.cfg)).rejects.toThrow('dead letter id must be a whole number');
    } finally {
      await nc.close();
    }
  });
});

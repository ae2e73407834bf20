import { LogNotifier, NatsConnectError, connectNats, natsServersFromEnv } from './index';
import { RecordingLogger, natsUrl, uniqueId, waitFor } from './testing/nats-test-kit';

describe('LogNotifier (core NATS wake-ups)', () => {
  it('delivers notify() payloads to subscribers, JSON-decoded', async () => {
    const writer = await LogNotifier.connect({ servers: natsUrl() });
    const projector = await LogNotifier.connect({ servers: natsUrl() });
    const subject = `msgt.${uniqueId()}.log.appended`;
    const got: Array<{ payload: unknown; subject: string }> = [];
    try {
      projector.subscribe<{ globalPosition: string }>(subject, (payload, s) => {
        got.push({ payload, subject: s });
      });
      await projector.flush(); // the subscription is registered on the server
      expect(writer.notify(subject, { globalPosition: '42' })).toBe(true);
      await waitFor('notification', () => got.length === 1);
      expect(got[0]).toEqual({ payload: { globalPosition: '42' }, subject });
    } finally {
      await writer.close();
      await projector.close();
    }
  });

  it('never throws: callback errors are contained, notify after close returns false', async () => {
    const logger = new RecordingLogger();
    const notifier = await LogNotifier.connect({ servers: natsUrl() }, logger);
    const subject = `msgt.${uniqueId()}.log.appended`;
    const seen: unknown[] = [];
    notifier.subscribe(subject, (p) => {
      seen.push(p);
      throw new Error('callback bug');
    });
    const sub2 = notifier.subscribe(subject, (p) => {
      seen.push(p);
    });
    await notifier.flush();
    notifier.notify(subject, { n: 1 });
    await waitFor('both callbacks', () => seen.length === 2);
    expect(logger.matching('callback bug')).toHaveLength(1);
    sub2.unsubscribe();
    sub2.unsubscribe(); // idempotent
    await notifier.close();
    expect(notifier.notify(subject, { n: 2 })).toBe(false);
  });
});

describe('connectNats', () => {
  it('says how to get a server when nothing answers', async () => {
    const err = await connectNats({ servers: 'nats://127.0.0.1:1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NatsConnectError);
    expect((err as Error).message).toMatch(
      /^no NATS server at nats:\/\/127\.0\.0\.1:1: start one with `nats-server -js` or set NATS_URL/,
    );
  });

  it('reads NATS_URL (comma-separated) and defaults to nats://127.0.0.1:4222', async () => {
    expect(natsServersFromEnv(undefined, {})).toEqual(['nats://127.0.0.1:4222']);
    expect(natsServersFromEnv(undefined, { NATS_URL: 'nats://a:1, nats://b:2' })).toEqual(['nats://a:1', 'nats://b:2']);
    const nc = await connectNats({ env: { NATS_URL: natsUrl() } });
    try {
      expect(nc.isClosed()).toBe(false);
    } finally {
      await nc.close();
    }
  });
});

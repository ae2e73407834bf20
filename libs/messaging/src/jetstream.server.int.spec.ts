import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { lastValueFrom, timer, map, type Observable } from 'rxjs';
import {
  DeadLetterHeaders,
  JetStreamClient,
  JetStreamContext,
  JetStreamExceptionFilter,
  JetStreamPublishError,
  JetStreamRecord,
  JetStreamServer,
  PermanentError,
  ensureConsumer,
  ensureStream,
  type JetStreamServerOptions,
} from './index';
import {
  RecordingLogger,
  deleteStreams,
  gate,
  natsUrl,
  openJsm,
  uniqueId,
  waitFor,
  type Gate,
} from './testing/nats-test-kit';

/** Unique names for one test, so parallel runs and leftovers never collide. */
function names() {
  const id = uniqueId();
  return {
    id,
    stream: `MSGT_${id}`,
    base: `msgt.${id}`,
    durable: `w_${id}`,
    dlqSubject: `msgdlq.${id}`,
    dlqStream: `MSGT_${id}_DLQ`,
  };
}
type Names = ReturnType<typeof names>;

interface Call {
  route: 'ok' | 'wild';
  data: unknown;
  subject: string;
  deliveries: number;
  msgId?: string;
  instance: string;
}

type Behavior = (call: Call, ctx: JetStreamContext) => unknown;

/** A module with one controller whose handlers record the call and run `behavior`. */
function makeModule(n: Names, instance: string, calls: Call[], behavior: Behavior) {
  @Controller()
  class EventsController {
    @EventPattern(`${n.base}.ok`)
    ok(@Payload() data: unknown, @Ctx() ctx: JetStreamContext) {
      return this.run('ok', data, ctx);
    }

    @EventPattern(`${n.base}.wild.>`)
    wild(@Payload() data: unknown, @Ctx() ctx: JetStreamContext) {
      return this.run('wild', data, ctx);
    }

    private run(route: Call['route'], data: unknown, ctx: JetStreamContext) {
      const call: Call = {
        route,
        data,
        subject: ctx.getSubject(),
        deliveries: ctx.getDeliveryCount(),
        msgId: ctx.getMsgId(),
        instance,
      };
      calls.push(call);
      return behavior(call, ctx);
    }
  }
  @Module({ controllers: [EventsController] })
  class EventsModule {}
  return EventsModule;
}

describe('JetStreamServer + JetStreamClient (real NATS)', () => {
  let jsm: JetStreamManager;
  let closeJsm: () => Promise<void>;
  const apps: INestMicroservice[] = [];
  const clients: JetStreamClient[] = [];
  const streams: string[] = [];

  beforeAll(async () => {
    ({ jsm, close: closeJsm } = await openJsm());
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await deleteStreams(jsm, ...streams.splice(0));
  });

  afterAll(async () => {
    await closeJsm();
  });

  async function startServer(
    n: Names,
    behavior: Behavior,
    opts: {
      instance?: string;
      calls?: Call[];
      filter?: boolean;
      server?: Partial<JetStreamServerOptions>;
      consumer?: Partial<JetStreamServerOptions['consumer']>;
    } = {},
  ) {
    const calls = opts.calls ?? [];
    const logger = new RecordingLogger();
    streams.push(n.stream, n.dlqStream);
    const strategy = new JetStreamServer({
      servers: natsUrl(),
      connectionName: `test-${n.id}-${opts.instance ?? 'a'}`,
      stream: { name: n.stream, subjects: [`${n.base}.>`] },
      consumer: { durable: n.durable, ackWaitMs: 10_000, maxDeliver: 3, backoffMs: [50], ...opts.consumer },
      batch: { max: 10, expiresMs: 2000 },
      deadLetterSubject: n.dlqSubject,
      logger,
      ...opts.server,
    });
    const app = await NestFactory.createMicroservice(makeModule(n, opts.instance ?? 'a', calls, behavior), {
      strategy,
      logger: false,
    });
    if (opts.filter) app.useGlobalFilters(new JetStreamExceptionFilter());
    apps.push(app);
    await app.listen();
    return { app, strategy, calls, logger };
  }

  function client(): JetStreamClient {
    const c = new JetStreamClient({ servers: natsUrl() });
    clients.push(c);
    return c;
  }

  const consumerInfo = (n: Names) => jsm.consumers.info(n.stream, n.durable);

  async function deadLetters(n: Names, count: number): Promise<StoredMsg[]> {
    await waitFor(`${count} dead letter(s) in ${n.dlqStream}`, async () => {
      const si = await jsm.streams.info(n.dlqStream);
      return si.state.messages >= count;
    });
    const out: StoredMsg[] = [];
    for (let seq = 1; seq <= count; seq++) {
      const m = await jsm.streams.getMessage(n.dlqStream, { seq });
      if (m) out.push(m);
    }
    return out;
  }

  it('delivers an emitted event to its @EventPattern handler with a JetStreamContext', async () => {
    const n = names();
    const { calls } = await startServer(n, () => undefined);
    const ack = await lastValueFrom(
      client().emit(`${n.base}.ok`, new JetStreamRecord({ hello: 'world' }, { msgID: `evt-${n.id}` })),
    );
    expect(ack).toMatchObject({ stream: n.stream, seq: 1, duplicate: false });
    await waitFor('handler call', () => calls.length === 1);
    expect(calls[0]).toMatchObject({
      route: 'ok',
      data: { hello: 'world' },
      subject: `${n.base}.ok`,
      deliveries: 1,
      msgId: `evt-${n.id}`,
    });
    await waitFor('ack', async () => (await consumerInfo(n)).ack_floor.stream_seq === 1);
  });

  it('acks only after the handler promise resolves', async () => {
    const n = names();
    const release: Gate = gate();
    const { calls } = await startServer(n, () => release.promise);
    await lastValueFrom(client().emit(`${n.base}.ok`, new JetStreamRecord({ n: 1 }, { msgID: `a-${n.id}` })));
    await waitFor('handler running', () => calls.length === 1);
    // The handler has the message but has not resolved: still pending an ack.
    let ci = await consumerInfo(n);
    expect(ci.num_ack_pending).toBe(1);
    expect(ci.ack_floor.stream_seq).toBe(0);
    release.open();
    ci = await waitFor('ack after release', async () => {
      const c = await consumerInfo(n);
      return c.num_ack_pending === 0 && c.ack_floor.stream_seq === 1 ? c : undefined;
    });
    expect(ci.num_redelivered).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it('acks only after an Observable result completes', async () => {
    const n = names();
    const { calls } = await startServer(n, () => timer(300).pipe(map(() => 'done')) as Observable<string>);
    await lastValueFrom(client().emit(`${n.base}.ok`, new JetStreamRecord({ n: 1 }, { msgID: `o-${n.id}` })));
    await waitFor('handler running', () => calls.length === 1);
    expect((await consumerInfo(n)).num_ack_pending).toBe(1);
    await waitFor('ack after completion', async () => (await consumerInfo(n)).ack_floor.stream_seq === 1);
  });

  it('naks a transient failure and succeeds on redelivery', async () => {
    const n = names();
    const { calls, logger } = await startServer(n, (call) => {
      if (call.deliveries === 1) throw new Error('database is down');
      return undefined;
    });
    await lastValueFrom(client().emit(`${n.base}.ok`, new JetStreamRecord({ n: 1 }, { msgID: `t-${n.id}` })));
    await waitFor('second delivery', () => calls.length === 2);
    expect(calls.map((c) => c.deliveries)).toEqual([1, 2]);
    const ci = await waitFor('ack after redelivery', async () => {
      const c = await consumerInfo(n);
      return c.ack_floor.stream_seq === 1 && c.num_ack_pending === 0 ? c : undefined;
    });
    expect(ci.num_redelivered).toBe(0);
    expect(logger.matching('redelivering in 50 ms')).toHaveLength(1);
    expect((await jsm.streams.info(n.dlqStream)).state.messages).toBe(0);
  });

  it('dead-letters and terminates on PermanentError (no redelivery)', async () => {
    const n = names();
    const { calls } = await startServer(n, () => {
      throw new PermanentError('statement has no source');
    });
    await lastValueFrom(client().emit(`${n.base}.ok`, new JetStreamRecord({ bad: true }, { msgID: `p-${n.id}` })));
    const [dl] = await deadLetters(n, 1);
    expect(dl.subject).toBe(n.dlqSubject);
    expect(dl.json()).toEqual({ bad: true });
    expect(dl.header.get(DeadLetterHeaders.Reason)).toBe('permanent');
    expect(dl.header.get(DeadLetterHeaders.Error)).toBe('statement has no source');
    expect(dl.header.get(DeadLetterHeaders.ErrorName)).toBe('PermanentError');
    expect(dl.header.get(DeadLetterHeaders.Deliveries)).toBe('1');
    expect(dl.header.get(DeadLetterHeaders.Subject)).toBe(`${n.base}.ok`);
    expect(dl.header.get(DeadLetterHeaders.StreamSeq)).toBe('1');
    expect(dl.header.get(DeadLetterHeaders.MsgId)).toBe(`p-${n.id}`);
    // Terminated: the ack floor moved past it without a second delivery.
    const ci = await waitFor('term', async () => {
      const c = await consumerInfo(n);
      return c.ack_floor.stream_seq === 1 && c.num_ack_pending === 0 ? c : undefined;
    });
    expect(ci.num_redelivered).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it('dead-letters malformed JSON without calling the handler', async () => {
    const n = names();
    const { calls } = await startServer(n, () => undefined);
    await jsm.jetstream().publish(`${n.base}.ok`, 'not json {', { msgID: `m-${n.id}` });
    const [dl] = await deadLetters(n, 1);
    expect(dl.string()).toBe('not json {');
    expect(dl.header.get(DeadLetterHeaders.Reason)).toBe('malformed');
    expect(dl.header.get(DeadLetterHeaders.ErrorName)).toBe('SyntaxError');
    await waitFor('term', async () => (await consumerInfo(n)).ack_floor.stream_seq === 1);
    expect(calls).toHaveLength(0);
  });

  it('dead-letters a subject with no handler', async () => {
    const n = names();
    await startServer(n, () => undefined);
    await jsm.jetstream().publish(`${n.base}.nobody`, JSON.stringify({ x: 1 }));
    const [dl] = await deadLetters(n, 1);
    expect(dl.header.get(DeadLetterHeaders.Reason)).toBe('no_handler');
    expect(dl.header.get(DeadLetterHeaders.Subject)).toBe(`${n.base}.nobody`);
  });

  it('routes to a wildcard @EventPattern when no exact one matches', async () => {
    const n = names();
    const { calls } = await startServer(n, () => undefined);
    await lastValueFrom(client().emit(`${n.base}.wild.a.b`, { w: 1 }));
    await waitFor('wildcard handler', () => calls.length === 1);
    expect(calls[0]).toMatchObject({ route: 'wild', subject: `${n.base}.wild.a.b`, data: { w: 1 } });
  });

  it('dead-letters after maxDeliver transient failures, keeping the real error with JetStreamExceptionFilter', async () => {
    const n = names();
    const { calls } = await startServer(
      n,
      () => Promise.reject(new Error('connection terminated unexpectedly')),
      { filter: true, consumer: { maxDeliver: 2 } },
    );
    await lastValueFrom(client().emit(`${n.base}.ok`, new JetStreamRecord({ n: 1 }, { msgID: `x-${n.id}` })));
    const [dl] = await deadLetters(n, 1);
    expect(calls.map((c) => c.deliveries)).toEqual([1, 2]);
    expect(dl.header.get(DeadLetterHeaders.Reason)).toBe('max_deliveries');
    expect(dl.header.get(DeadLetterHeaders.Deliveries)).toBe('2');
    expect(dl.header.get(DeadLetterHeaders.Error)).toBe('connection terminated unexpectedly');
    await waitFor('term', async () => (await consumerInfo(n)).ack_floor.stream_seq === 1);
    const ci = await jsm.consumers.info(n.stream, n.durable);
    expect(ci.config.max_deliver).toBe(3); // maxDeliver + 1 on the server
  });

  it('server-side dedupe: the same msgID is stored once', async () => {
    const n = names();
    const { calls } = await startServer(n, () => undefined);
    const c = client();
    const first = await lastValueFrom(c.emit(`${n.base}.ok`, new JetStreamRecord({ v: 1 }, { msgID: `d-${n.id}` })));
    const second = await lastValueFrom(c.emit(`${n.base}.ok`, new JetStreamRecord({ v: 2 }, { msgID: `d-${n.id}` })));
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq });
    expect((await jsm.streams.info(n.stream)).state.messages).toBe(1);
    await waitFor('ack', async () => (await consumerInfo(n)).ack_floor.stream_seq === 1);
    expect(calls.map((x) => x.data)).toEqual([{ v: 1 }]);
  });

  it('runs handlers concurrently so a writer can resolve a batch after one commit', async () => {
    const n = names();
    const pending: Array<() => void> = [];
    const commit = gate();
    const { calls } = await startServer(n, () => {
      // Buffer like the event-log writer: resolve every message after the "COMMIT".
      const done = new Promise<void>((r) => pending.push(r));
      if (pending.length === 5) commit.open();
      return done;
    });
    const c = client();
    for (let i = 0; i < 5; i++) {
      await lastValueFrom(c.emit(`${n.base}.ok`, new JetStreamRecord({ i }, { msgID: `b-${n.id}-${i}` })));
    }
    await commit.promise;
    expect((await consumerInfo(n)).num_ack_pending).toBe(5);
    pending.forEach((r) => r());
    await waitFor('all acked', async () => (await consumerInfo(n)).ack_floor.stream_seq === 5);
    expect(calls).toHaveLength(5);
  });

  it('two instances on one durable share the work; each message handled once', async () => {
    const n = names();
    const calls: Call[] = [];
    const hold = gate();
    const behavior: Behavior = (call) => ((call.data as { i: number }).i < 2 ? hold.promise : undefined);
    // batch 1 / concurrency 1: an instance busy with a message cannot take another.
    const tight = { batch: { max: 1, expiresMs: 2000 }, concurrency: 1 };
    await startServer(n, behavior, { instance: 'a', calls, server: tight });
    await startServer(n, behavior, { instance: 'b', calls, server: tight });
    const c = client();
    for (const i of [0, 1]) {
      await lastValueFrom(c.emit(`${n.base}.ok`, new JetStreamRecord({ i }, { msgID: `s-${n.id}-${i}` })));
    }
    // Both held messages are in flight at once, one per instance.
    await waitFor('one held message per instance', () => calls.length === 2);
    expect(new Set(calls.map((x) => x.instance))).toEqual(new Set(['a', 'b']));
    hold.open();
    for (let i = 2; i < 30; i++) {
      await lastValueFrom(c.emit(`${n.base}.ok`, new JetStreamRecord({ i }, { msgID: `s-${n.id}-${i}` })));
    }
    await waitFor('all acked', async () => (await consumerInfo(n)).ack_floor.stream_seq === 30);
    const seen = calls.map((x) => (x.data as { i: number }).i).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(calls.every((x) => x.deliveries === 1)).toBe(true);
  });

  it('close() waits for a running handler, which still acks', async () => {
    const n = names();
    const release = gate();
    const { app, calls } = await startServer(n, () => release.promise);
    await lastValueFrom(client().emit(`${n.base}.ok`, new JetStreamRecord({ n: 1 }, { msgID: `c-${n.id}` })));
    await waitFor('handler running', () => calls.length === 1);
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    apps.splice(apps.indexOf(app), 1);
    // Bounded observation window: close must not finish while the handler runs.
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(false);
    release.open();
    await closing;
    await waitFor('acked before the connection drained', async () => (await consumerInfo(n)).ack_floor.stream_seq === 1);
  });

  it('creates stream and consumer idempotently and updates a changed consumer', async () => {
    const n = names();
    await startServer(n, () => undefined, { instance: 'a' });
    const ci1 = await consumerInfo(n);
    expect(ci1.config.ack_wait).toBe(10_000 * 1e6);
    await apps.splice(0)[0].close();
    await startServer(n, () => undefined, { instance: 'b', consumer: { ackWaitMs: 12_000, maxAckPending: 50 } });
    const ci2 = await consumerInfo(n);
    expect(ci2.config.ack_wait).toBe(12_000 * 1e6);
    expect(ci2.config.max_ack_pending).toBe(50);
    expect(ci2.created).toEqual(ci1.created);
  });

  it('ensureStream/ensureConsumer tolerate concurrent creation from two connections', async () => {
    const n = names();
    streams.push(n.stream);
    const other = await openJsm();
    try {
      const spec = { name: n.stream, subjects: [`${n.base}.>`], duplicateWindowMs: 60_000 };
      const [a, b] = await Promise.all([ensureStream(jsm, spec), ensureStream(other.jsm, spec)]);
      expect(a.config.name).toBe(n.stream);
      expect(b.config.duplicate_window).toBe(60_000 * 1e6);
      const cspec = { durable: n.durable, maxDeliver: 4 };
      const [c1, c2] = await Promise.all([
        ensureConsumer(jsm, n.stream, cspec),
        ensureConsumer(other.jsm, n.stream, cspec),
      ]);
      expect(c1.name).toBe(n.durable);
      expect(c2.config.max_deliver).toBe(5);
      // A new subject is added, never removed.
      const grown = await ensureStream(jsm, { name: n.stream, subjects: [`${n.base}2.>`] });
      expect(grown.config.subjects).toEqual([`${n.base}.>`, `${n.base}2.>`]);
    } finally {
      await other.close();
    }
  });

  it('keeps a slow handler\'s message alive past ackWait with working() (no redelivery)', async () => {
    const n = names();
    const { calls } = await startServer(n, () => new Promise((r) => setTimeout(r, 2500)), {
      consumer: { ackWaitMs: 1000 },
      server: { workingIntervalMs: 300 },
    });
    await lastValueFrom(client().emit(`${n.base}.ok`, new JetStreamRecord({ n: 1 }, { msgID: `w-${n.id}` })));
    const ci = await waitFor('ack', async () => {
      const c = await consumerInfo(n);
      return c.ack_floor.stream_seq === 1 ? c : undefined;
    });
    expect(ci.num_redelivered).toBe(0);
    expect(calls.map((c) => c.deliveries)).toEqual([1]);
  });

  it('never dead-letters a dead letter when the DLQ subject is inside the consumed stream', async () => {
    const n = names();
    const { logger } = await startServer(n, () => undefined, { server: { deadLetterSubject: `${n.base}.dlq` } });
    await jsm.jetstream().publish(`${n.base}.nobody`, JSON.stringify({ x: 1 }));
    // 1 = the unhandled message, 2 = its dead letter (same stream), then both settled.
    await waitFor('both settled', async () => (await consumerInfo(n)).ack_floor.stream_seq === 2);
    expect((await jsm.streams.info(n.stream)).state.messages).toBe(2);
    expect(logger.matching('terminating dead letter')).toHaveLength(1);
    expect(logger.matching('inside stream')).toHaveLength(1);
  });

  it('listen() rejects with a clear error when no NATS server answers', async () => {
    const n = names();
    const strategy = new JetStreamServer({
      servers: 'nats://127.0.0.1:1',
      stream: { name: n.stream, subjects: [`${n.base}.>`] },
      consumer: { durable: n.durable },
      logger: new RecordingLogger(),
    });
    const app = await NestFactory.createMicroservice(makeModule(n, 'a', [], () => undefined), {
      strategy,
      logger: false,
    });
    await expect(app.listen()).rejects.toThrow(/no NATS server at nats:\/\/127\.0\.0\.1:1: start one with `nats-server -js`/);
    await app.close();
  });

  it('client: a subject no stream captures fails with a clear error; send() is unsupported', async () => {
    const n = names();
    const c = client();
    await expect(lastValueFrom(c.emit(`nostream.${n.id}`, { x: 1 }))).rejects.toThrow(JetStreamPublishError);
    await expect(lastValueFrom(c.emit(`nostream.${n.id}`, { x: 1 }))).rejects.toThrow(/no JetStream stream accepts subject/);
    await expect(lastValueFrom(c.send(`nostream.${n.id}`, { x: 1 }))).rejects.toThrow(/does not support request-response/);
  });
});

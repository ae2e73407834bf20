import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { JetStreamManager } from '@nats-io/jetstream';
import { lastValueFrom } from 'rxjs';
import { JetStreamClient, JetStreamContext, JetStreamRecord, JetStreamServer } from './index';
import {
  PrivateNatsServer,
  RecordingLogger,
  deleteStreams,
  gate,
  hasNatsServerBinary,
  natsUrl,
  openJsm,
  uniqueId,
  waitFor,
} from './testing/nats-test-kit';

interface Seen {
  i: number;
  deliveries: number;
}

function makeModule(subject: string, seen: Seen[], hold: () => Promise<void> | undefined) {
  @Controller()
  class C {
    @EventPattern(subject)
    on(@Payload() data: { i: number }, @Ctx() ctx: JetStreamContext) {
      seen.push({ i: data.i, deliveries: ctx.getDeliveryCount() });
      return hold();
    }
  }
  @Module({ controllers: [C] })
  class M {}
  return M;
}

const maybe = hasNatsServerBinary() ? describe : describe.skip;

maybe('JetStreamServer survives a NATS server restart (private nats-server)', () => {
  let nats: PrivateNatsServer;
  let app: INestMicroservice | undefined;
  let client: JetStreamClient | undefined;

  beforeAll(async () => {
    nats = await PrivateNatsServer.start();
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await client?.close();
    await nats.destroy();
  }, 30_000);

  it('keeps consuming after the broker restarts, and a message in flight during the restart is not lost', async () => {
    const id = uniqueId();
    const subject = `rst.${id}.evt`;
    const seen: Seen[] = [];
    let holdNext: Promise<void> | undefined;
    const logger = new RecordingLogger();
    const strategy = new JetStreamServer({
      servers: nats.url,
      stream: { name: `RST_${id}`, subjects: [`rst.${id}.>`] },
      consumer: { durable: `w_${id}`, ackWaitMs: 4000, backoffMs: [100] },
      batch: { max: 5, expiresMs: 2000 }, // heartbeats every second
      deadLetterSubject: `rstdlq.${id}`,
      logger,
    });
    let disconnects = 0;
    let reconnects = 0;
    strategy.on('disconnect', () => disconnects++).on('reconnect', () => reconnects++);
    app = await NestFactory.createMicroservice(makeModule(subject, seen, () => holdNext), {
      strategy,
      logger: false,
    });
    await app.listen();
    client = new JetStreamClient({ servers: nats.url, retries: 10 });
    const emit = (i: number) => lastValueFrom(client!.emit(subject, new JetStreamRecord({ i }, { msgID: `${id}-${i}` })));

    await emit(1);
    await waitFor('message 1', () => seen.some((s) => s.i === 1));

    // Message 2 is being handled when the broker goes away.
    const release = gate();
    holdNext = release.promise;
    await emit(2);
    await waitFor('message 2 in the handler', () => seen.some((s) => s.i === 2));
    holdNext = undefined;

    await nats.stop();
    await waitFor('disconnect noticed', () => disconnects > 0);
    expect(strategy.getHealth()).toMatchObject({ connected: false, inFlight: 1 });
    await nats.startAgain();
    await waitFor('reconnected', () => reconnects > 0, { timeoutMs: 20_000 });
    expect(strategy.getHealth()).toMatchObject({ connected: true, consuming: true });
    release.open();

    await emit(3);
    await waitFor('message 3 after the restart', () => seen.some((s) => s.i === 3), { timeoutMs: 20_000 });

    const { jsm, close } = await openJsm(nats.url);
    try {
      await waitFor(
        'everything acked',
        async () => {
          const ci = await jsm.consumers.info(`RST_${id}`, `w_${id}`);
          return ci.ack_floor.stream_seq === 3 && ci.num_ack_pending === 0 && ci.num_pending === 0;
        },
        { timeoutMs: 20_000 },
      );
      expect(new Set(seen.map((s) => s.i))).toEqual(new Set([1, 2, 3]));
    } finally {
      await close();
    }
  }, 60_000);
});

describe('JetStreamServer recovers when its consumer is deleted', () => {
  let jsm: JetStreamManager;
  let closeJsm: () => Promise<void>;
  let app: INestMicroservice | undefined;
  const stream = `MSGT_${uniqueId()}`;

  beforeAll(async () => {
    ({ jsm, close: closeJsm } = await openJsm());
  });

  afterAll(async () => {
    await app?.close();
    await deleteStreams(jsm, stream);
    await closeJsm();
  });

  it('re-creates the durable consumer and keeps handling messages', async () => {
    const id = stream.slice('MSGT_'.length);
    const subject = `msgt.${id}.evt`;
    const seen: Seen[] = [];
    const logger = new RecordingLogger();
    const strategy = new JetStreamServer({
      servers: natsUrl(),
      stream: { name: stream, subjects: [`msgt.${id}.>`] },
      consumer: { durable: `w_${id}` },
      batch: { max: 5, expiresMs: 1000 },
      logger,
    });
    app = await NestFactory.createMicroservice(makeModule(subject, seen, () => undefined), { strategy, logger: false });
    await app.listen();
    const js = jsm.jetstream();
    await js.publish(subject, JSON.stringify({ i: 1 }), { msgID: `${id}-1` });
    await waitFor('message 1', () => seen.length === 1);

    await jsm.consumers.delete(stream, `w_${id}`);
    await waitFor('consumer re-created', () => jsm.consumers.info(stream, `w_${id}`), { timeoutMs: 20_000 });
    await js.publish(subject, JSON.stringify({ i: 2 }), { msgID: `${id}-2` });
    await waitFor('message 2 after re-creation', () => seen.some((s) => s.i === 2), { timeoutMs: 20_000 });
    expect(logger.lines.some((l) => /consumer_(deleted|not_found) for/.test(l.message))).toBe(true);
    // A new consumer starts from the stream's beginning (deliver policy all):
    // message 1 comes again, which the idempotent log append absorbs.
    expect(seen.map((s) => s.i)).toEqual([1, 1, 2]);
  }, 40_000);
});

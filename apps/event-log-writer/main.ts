import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { loadConfig, TimelineConfig } from '@timeline/config';
import { connectNats, JetStreamExceptionFilter, JetStreamServer, LogNotifier } from '@timeline/messaging';
import { installShutdown, logLevels, openDatabase } from '@timeline/runtime';
import { recordDeadLetter } from '@timeline/event-log';
import { BatchingAppender } from './batching-appender';
import { WriterModule } from './writer.module';


/**
 * Start the event-log writer: the only writer of the log (DESIGN.md, "Shape").
 * A durable JetStream pull consumer feeds it; it appends in batches and the
 * transport acks each message only after the COMMIT holding its events.
 * After each commit it announces the new head on `<prefix>.log.appended`
 * (core NATS, a wake-up for the projector, not an event). A message it
 * gives up on is recorded in `dead_letters` and published to the
 * dead-letter subject.
 * close(): stops pulling, lets running handlers finish (their batch commits,
 * then they are acked) or naks them, flushes the batch, closes NATS and the pool.
 */
export async function startWriter(cfg: TimelineConfig = loadConfig()): Promise<{ app: INestMicroservice; close(): Promise<void> }> {
  const db = await openDatabase(cfg, 'event-log-writer');
  const notifyConn = await connectNats({ servers: cfg.natsUrl.split(','), name: 'event-log-writer-notify', user: cfg.natsUser, pass: cfg.natsPassword, token: cfg.natsToken });
  const notifier = new LogNotifier(notifyConn);
  const appender = new BatchingAppender(db.log, {
    maxMessages: cfg.writerBatchMax,
    waitMs: cfg.writerBatchWaitMs,
    validated: true, // WriterController validates every event (validateNewEvent) before it reaches the appender
    onCommitted: (r) => {
      if (r.appended > 0) {
        const last = r.events.reduce((m, e) => (BigInt(e.globalPosition) > BigInt(m) ? e.globalPosition : m), '0');
        notifier.notify(cfg.appendedSubject, { globalPosition: last });
      }
    },
  });
  const app = await NestFactory.createMicroservice(WriterModule.register(appender), {
    strategy: new JetStreamServer({
      servers: cfg.natsUrl.split(','),
      connectionName: 'event-log-writer',
      user: cfg.natsUser,
      pass: cfg.natsPassword,
      token: cfg.natsToken,
      stream: { name: cfg.stream, subjects: [`${cfg.itemsSubject}`] },
      consumer: { durable: cfg.durable, filterSubjects: [cfg.itemsSubject], maxDeliver: cfg.maxDeliver, backoffMs: [200, 1000, 5000, 15000] },
      batch: { max: cfg.writerBatchMax },
      deadLetterSubject: cfg.deadLetterSubject,
      // Every dead letter is also a row of dead_letters (GET /dead-letters, `timeline dead-letters redrive`).
      onDeadLetter: async (dl) => {
        await recordDeadLetter(db.pool, cfg.databaseSchema, {
          source: 'writer',
          subject: dl.subject,
          stream: dl.stream,
          streamSeq: dl.seq,
          msgId: dl.msgId,
          eventId: dl.msgId,
          error: `${dl.reason}: ${dl.error}`,
          attempts: dl.deliveries,
          payload: dl.payload,
        });
      },
      // Part of SHUTDOWN_GRACE_MS for running handlers, the rest for flushing and closing.
      shutdownGraceMs: Math.floor(cfg.shutdownGraceMs * 0.7),
    }),
    logger: logLevels(cfg.logLevel),
  });
  app.useGlobalFilters(new JetStreamExceptionFilter());
  await app.listen();
  return {
    app,
    async close() {
      await app.close();
      await appender.drain();
      await notifyConn.drain().catch(() => undefined);
      await db.close();
    },
  };
}

if (require.main === module) {
  startWriter()
    .then((w) => {
      new Logger('EventLogWriter').log('consuming');
      installShutdown('event-log-writer', () => w.close());
    })
    .catch((err) => {
      console.error(`event-log-writer: ${err.message}`);
      process.exit(1);
    });
}

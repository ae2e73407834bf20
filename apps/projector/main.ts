import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig, TimelineConfig } from '@timeline/config';
import { connectNats, LogNotifier } from '@timeline/messaging';
import { skipPoisonEvent, TimelineProjection } from '@timeline/read-model';
import { installShutdown, openDatabase } from '@timeline/runtime';
import { ProjectorRunner } from './projector.runner';

/**
 * Start the projector: folds the log into the story timelines (gap-safe
 * catch-up, checkpoint in the same transaction as the rows). Woken by the
 * writer's `<prefix>.log.appended` notification, with a polling fallback of
 * PROJECTOR_POLL_MS (default 200 ms). After each applied batch it announces
 * `<prefix>.timeline.updated` with the story ids (for live updates).
 * An event that keeps failing non-transiently (PROJECTOR_MAX_ATTEMPTS) is
 * recorded in `dead_letters` and skipped; transient failures are retried forever.
 * close(): stops after the running step commits (rows + checkpoint), then
 * closes NATS and the pool.
 */
export async function startProjector(cfg: TimelineConfig = loadConfig()): Promise<{ runner: ProjectorRunner; close(): Promise<void> }> {
  const db = await openDatabase(cfg, 'projector');
  const projection = new TimelineProjection(db.pool, db.log, { schema: cfg.databaseSchema, batchSize: cfg.projectorBatch });
  const runner = new ProjectorRunner(projection, cfg.projectorPollMs, {
    maxAttempts: cfg.projectorMaxAttempts,
    isolateWindow: cfg.projectorBatch,
    skip: (error, attempts) => skipPoisonEvent(db.pool, db.log, { schema: cfg.databaseSchema, error, attempts }),
  });
  const nc = await connectNats({ servers: cfg.natsUrl.split(','), name: 'projector', user: cfg.natsUser, pass: cfg.natsPassword, token: cfg.natsToken });
  const notifier = new LogNotifier(nc);
  const sub = notifier.subscribe(cfg.appendedSubject, () => runner.poke());
  runner.onApplied((s) => notifier.notify(`${cfg.subjectPrefix}.timeline.updated`, { stories: s.stories, globalPosition: s.position }));
  runner.start();
  return {
    runner,
    async close() {
      await runner.stop();
      sub.unsubscribe?.();
      await nc.drain().catch(() => undefined);
      await db.close();
    },
  };
}

if (require.main === module) {
  startProjector()
    .then((p) => {
      new Logger('Projector').log('running');
      installShutdown('projector', () => p.close());
    })
    .catch((err) => {
      console.error(`projector: ${err.message}`);
      process.exit(1);
    });
}

import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestSchema, PgEventLog, TestSchema } from '@timeline/event-log';
import { loadConfig, TimelineConfig } from '@timeline/config';
import { connectNats } from '@timeline/messaging';
import { TIMELINE_PROJECTION } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';

/** The four apps running in this process against real Postgres and NATS, isolated by schema and stream. */
export interface Pipeline {
  cfg: TimelineConfig;
  db: TestSchema;
  log: PgEventLog;
  ingestUrl: string;
  apiUrl: string;
  /** Resolves when every id is in the log and the projector has applied everything. */
  settled(eventIds: string[], timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start writer, projector, ingest and api in-process with a unique
 * DATABASE_SCHEMA, JetStream stream, subject prefix and durable, so tests
 * never see each other's data. Waits on conditions, never on fixed sleeps.
 * `extraEnv` adds or overrides settings (e.g. API_KEYS).
 */
export async function startPipeline(extraEnv: Record<string, string> = {}): Promise<Pipeline> {
  const db = await createTestSchema({ migrations: ALL_MIGRATIONS });
  const id = randomBytes(4).toString('hex');
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    DATABASE_SCHEMA: db.schema,
    JS_STREAM: `TIMELINE_T_${id}`,
    JS_SUBJECT_PREFIX: `t${id}`,
    JS_DURABLE: `writer-${id}`,
    PG_POOL_MAX: '4',
    LOG_LEVEL: 'warn',
    WRITER_BATCH_WAIT_MS: '2',
    PROJECTOR_POLL_MS: '100',
    ...extraEnv,
  };
  // The writer's @EventPattern subject is read from the environment when its module loads.
  Object.assign(process.env, { JS_SUBJECT_PREFIX: env.JS_SUBJECT_PREFIX });
  const cfg = loadConfig(env);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startWriter } = require('../../apps/event-log-writer/main');
  const { startProjector } = require('../../apps/projector/main');
  const { startIngest } = require('../../apps/ingest/main');
  const { startApi } = require('../../apps/api/main');
  const ingest = await startIngest(cfg, 0);
  const writer = await startWriter(cfg);
  const projector = await startProjector(cfg);
  const api = await startApi(cfg, 0);
  const log = new PgEventLog(db.pool, { schema: db.schema });
  return {
    cfg,
    db,
    log,
    ingestUrl: ingest.url,
    apiUrl: api.url,
    async settled(eventIds, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".events WHERE event_id = ANY($1::uuid[])`, [eventIds]);
        const stats = await log.stats(TIMELINE_PROJECTION);
        if (r.rows[0].n === eventIds.length && stats.eventsBehind === 0) return;
        if (Date.now() > end) throw new Error(`not settled after ${timeoutMs} ms: ${r.rows[0].n}/${eventIds.length} events in the log, projector ${stats.eventsBehind} behind`);
        await new Promise((res) => setTimeout(res, 25));
      }
    },
    async stop() {
      await ingest.close();
      await api.close();
      await projector.close();
      await writer.close();
      const nc = await connectNats({ servers: cfg.natsUrl.split(',') });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(cfg.stream).catch(() => undefined);
      await jsm.streams.delete(`${cfg.stream}_DLQ`).catch(() => undefined);
      await nc.close();
      await db.drop();
    },
  };
}

import type { Pool } from 'pg';
import { createPool, EVENT_LOG_MIGRATIONS, PgEventLog, runMigrations } from '@timeline/event-log';
import { READ_MODEL_MIGRATIONS } from '@timeline/read-model';
import { requireDatabaseUrl, TimelineConfig } from '@timeline/config';

/** The database handles every app shares: a pool and the event log on it. */
export interface Database {
  pool: Pool;
  log: PgEventLog;
  schema: string;
  close(): Promise<void>;
}

/** Every migration of the service, log (1-99) and read model (100+). */
export const ALL_MIGRATIONS = [...EVENT_LOG_MIGRATIONS, ...READ_MODEL_MIGRATIONS];

/**
 * Open the pool and apply pending migrations (idempotent; concurrent
 * start-ups are serialized by the runner's advisory lock).
 * @throws ConfigError when DATABASE_URL is unset; the pg error when Postgres does not answer.
 */
export async function openDatabase(cfg: TimelineConfig, applicationName: string): Promise<Database> {
  const pool = createPool(requireDatabaseUrl(cfg), { max: cfg.pgPoolMax, applicationName });
  try {
    await runMigrations(pool, ALL_MIGRATIONS, { schema: cfg.databaseSchema });
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const log = new PgEventLog(pool, { schema: cfg.databaseSchema });
  return { pool, log, schema: cfg.databaseSchema, close: () => pool.end() };
}

import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { createPool } from '../connection';
import { EVENT_LOG_MIGRATIONS } from '../event-log.migrations';
import { Migration, runMigrations } from '../migrations';
import { quoteSchema, sqlState } from '../sql';

/** Default test server: the project machines' Postgres (trust auth, user root, database test). */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://root@127.0.0.1:5432/test';

/** The database URL tests use: TEST_DATABASE_URL, else DATABASE_URL, else DEFAULT_TEST_DATABASE_URL. */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

/** A unique, migrated schema for one test (file); `drop()` removes it and ends the pool. */
export interface TestSchema {
  readonly pool: Pool;
  readonly schema: string;
  /** URL of the database holding the schema (pass `schema` separately). */
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Create a unique schema (`t_<pid>_<random>`) on the test database and run
 * `migrations` into it (default EVENT_LOG_MIGRATIONS; pass e.g.
 * `[...EVENT_LOG_MIGRATIONS, ...READ_MODEL_MIGRATIONS]`, or [] for none).
 * When the database itself does not exist it is created first (through the
 * `postgres` database of the same server), so CI needs no setup step.
 * @param opts.poolMax max connections of the returned pool (default 5).
 */
export async function createTestSchema(
  opts: { migrations?: readonly Migration[]; poolMax?: number; url?: string } = {},
): Promise<TestSchema> {
  const url = opts.url ?? testDatabaseUrl();
  await ensureDatabase(url);
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const pool = createPool(url, { max: opts.poolMax ?? 5, applicationName: `test:${schema}` });
  try {
    await pool.query(`CREATE SCHEMA ${quoteSchema(schema)}`);
    await runMigrations(pool, opts.migrations ?? EVENT_LOG_MIGRATIONS, { schema });
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  let dropped = false;
  return {
    pool,
    schema,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      try {
        await pool.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

/** Create the database named in `url` when it does not exist (SQLSTATE 3D000). */
async function ensureDatabase(url: string): Promise<void> {
  const probe = createPool(url, { max: 1 });
  try {
    await probe.query('SELECT 1');
    return;
  } catch (err) {
    if (sqlState(err) !== '3D000') throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  u.pathname = '/postgres';
  const admin = createPool(u.toString(), { max: 1 });
  try {
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    if (sqlState(err) !== '42P04') throw err; // created concurrently by another test worker
  } finally {
    await admin.end().catch(() => undefined);
  }
}

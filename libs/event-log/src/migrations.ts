import type { Pool, PoolClient } from 'pg';
import { createHash } from 'node:crypto';
import { DEFAULT_SCHEMA, quoteSchema } from './sql';

/**
 * One schema migration. `sql` is plain SQL written with UNQUALIFIED table
 * names: the runner sets `search_path` to the target schema (then `public`)
 * for the migration's transaction, so one migration list serves any schema.
 * Id ranges: the event log uses 1-99, the read model 100+.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/** What runMigrations did: ids applied now, and ids found already applied. */
export interface MigrationReport {
  readonly schema: string;
  readonly applied: number[];
  readonly skipped: number[];
}

/** Thrown when a recorded migration differs from the one in code (same id, other name or SQL). */
export class MigrationDriftError extends Error {
  constructor(
    readonly migrationId: number,
    message: string,
  ) {
    super(message);
    this.name = 'MigrationDriftError';
  }
}

/** sha256 of the migration SQL, hex: recorded so an edited, already-applied migration is noticed. */
export function migrationChecksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex');
}

/**
 * Check a migration list: positive integer ids, no id twice, non-empty names and SQL.
 * Returns a copy sorted by id.
 * @throws Error naming the offending id.
 */
export function sortMigrations(migrations: readonly Migration[]): Migration[] {
  const seen = new Set<number>();
  for (const m of migrations) {
    if (!Number.isInteger(m.id) || m.id <= 0) throw new Error(`migration id must be a positive integer: ${m.id}`);
    if (seen.has(m.id)) throw new Error(`migration id ${m.id} appears twice`);
    if (!m.name || !m.sql.trim()) throw new Error(`migration ${m.id} needs a name and SQL`);
    seen.add(m.id);
  }
  return [...migrations].sort((a, b) => a.id - b.id);
}

/** Advisory lock key of the migration runner of one schema (a bigint from hashtextextended). */
const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`;

/**
 * Apply the missing migrations of `migrations` to a schema, in id order.
 *
 * Each migration runs in its own transaction together with its row in
 * `<schema>.schema_migrations (id, name, checksum, applied_at)`, so it is
 * applied exactly once. Every transaction first takes
 * `pg_advisory_xact_lock(hashtextextended('schema_migrations:<schema>', 0))`,
 * so application processes starting at the same time are safe: the second
 * waits, then finds the migration recorded and skips it. The schema and the
 * bookkeeping table are created when missing (under the same lock).
 *
 * Several lists may be applied to the same schema (e.g. the event log's ids
 * 1-99, then the read model's ids 100+), by one call with the concatenation or
 * by several calls. Ids not in `migrations` are left alone.
 *
 * @param pool   pg pool (or anything with `connect()`).
 * @param opts.schema target schema, default `timeline`.
 * @throws MigrationDriftError when a recorded migration has another name or checksum than the code's.
 * @throws the Postgres error of a failing migration (its transaction is rolled back, earlier ones stay).
 */
export async function runMigrations(
  pool: Pick<Pool, 'connect'>,
  migrations: readonly Migration[],
  opts: { schema?: string } = {},
): Promise<MigrationReport> {
  const schema = opts.schema ?? DEFAULT_SCHEMA;
  const q = quoteSchema(schema);
  const sorted = sortMigrations(migrations);
  const report = { schema, applied: [] as number[], skipped: [] as number[] };
  const client = await pool.connect();
  try {
    for (const m of sorted) {
      const applied = await applyOne(client, q, schema, m);
      (applied ? report.applied : report.skipped).push(m.id);
    }
  } finally {
    client.release();
  }
  return report;
}

async function applyOne(client: PoolClient, q: string, schema: string, m: Migration): Promise<boolean> {
  await client.query('BEGIN');
  try {
    await client.query(LOCK_SQL, [`schema_migrations:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${q}.schema_migrations (
         id int PRIMARY KEY,
         name text NOT NULL,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const checksum = migrationChecksum(m);
    const found = await client.query<{ name: string; checksum: string }>(
      `SELECT name, checksum FROM ${q}.schema_migrations WHERE id = $1`,
      [m.id],
    );
    if (found.rows.length > 0) {
      const r = found.rows[0];
      if (r.name !== m.name || r.checksum !== checksum) {
        throw new MigrationDriftError(
          m.id,
          `migration ${m.id} in schema ${schema} was applied as "${r.name}" (checksum ${r.checksum.slice(0, 12)}), ` +
            `but the code has "${m.name}" (checksum ${checksum.slice(0, 12)}): never edit an applied migration, add a new one`,
        );
      }
      await client.query('COMMIT');
      return false;
    }
    // SET LOCAL: reverts at COMMIT/ROLLBACK, so it never leaks into the pooled session.
    await client.query(`SET LOCAL search_path TO ${q}, public`);
    await client.query(m.sql);
    await client.query(`INSERT INTO ${q}.schema_migrations (id, name, checksum) VALUES ($1, $2, $3)`, [
      m.id,
      m.name,
      checksum,
    ]);
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (err instanceof MigrationDriftError) throw err;
    if (err instanceof Error) err.message = `migration ${m.id} (${m.name}) in schema ${schema} failed: ${err.message}`;
    throw err;
  }
}

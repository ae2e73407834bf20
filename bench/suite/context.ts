import { execFileSync } from 'node:child_process';
import { Client } from 'pg';

/** Settings every benchmark gets from the runner. */
export interface BenchContext {
  /** Repository root. */
  root: string;
  /** Postgres server URL without a database (postgres://root@127.0.0.1:5432). */
  pgServer: string;
  /** Database the benchmarks create their schemas in. */
  database: string;
  natsUrl: string;
  /** Measured runs per benchmark (>= 5). */
  runs: number;
  /** Warm-up runs per benchmark (>= 1). */
  warmups: number;
  /** Smaller workloads (a smoke run of the suite); figures are not comparable. */
  quick: boolean;
  /** Write a CPU profile of the benchmark's own process into bench/results/profiles. */
  profile: boolean;
  log(msg: string): void;
}

/** URL of a database on the benchmark server. */
export function dbUrl(ctx: BenchContext, database = ctx.database): string {
  return `${ctx.pgServer}/${database}`;
}

/** Create `database` unless it exists. */
export async function ensureDatabase(ctx: BenchContext, database: string): Promise<void> {
  const c = new Client({ connectionString: dbUrl(ctx, 'postgres') });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!r.rowCount) await c.query(`CREATE DATABASE "${database}"`);
  } finally {
    await c.end();
  }
}

/** Drop `database` (and every session still on it). */
export async function dropDatabase(ctx: BenchContext, database: string): Promise<void> {
  const c = new Client({ connectionString: dbUrl(ctx, 'postgres') });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

/** Output of a command, trimmed; null when it fails. */
export function sh(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

/** Result of one benchmark: its keys of the final JSON, plus details for the results file and BENCHMARKS.md. */
export interface BenchOutcome {
  keys: Record<string, number | null>;
  details: Record<string, unknown>;
  /** Lines for BENCHMARKS.md's notes (what bounds the figure, reasons for null). */
  notes?: string[];
}

/** One benchmark of the suite. */
export interface Benchmark {
  name: string;
  /** Keys of the final JSON this benchmark fills. */
  keys: string[];
  run(ctx: BenchContext): Promise<BenchOutcome>;
}

/**
 * The benchmark suite (issue 8): `npm run bench [-- <name>...] [--json] [--quick]`.
 *
 * Runs each benchmark (>= 1 warm-up, >= 5 measured runs, medians), writes
 * bench/results/<date>.json (merged with the same day's earlier results),
 * regenerates the figures table of BENCHMARKS.md and, with --json, prints
 * one JSON object as the last line of stdout. Progress goes to stderr.
 * A benchmark whose feature is missing reports null for its keys.
 *
 * Options: --runs N (default 5, at least 5 unless --quick), --warmups N
 * (default 1), --quick (small workloads, for a smoke test; figures not
 * comparable), --no-md (leave BENCHMARKS.md alone).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { connectNats } from '@timeline/messaging';
import { appendBench } from './suite/append';
import { BenchContext, Benchmark, dropDatabase, sh } from './suite/context';
import { e2eBench } from './suite/e2e';
import { asofBench, rebuildBench } from './suite/external';
import { extractionBench } from './suite/extraction';
import { queryBench } from './suite/query';
import { renderMarkdown } from './suite/report';
import { load1 } from './suite/stats';

/** Every key of the final JSON, in the order. */
export const KEYS = [
  'e2e_items_per_s',
  'e2e_p99_ms',
  'append_events_per_s',
  'append_ratio_vs_emmett',
  'rebuild_events_per_s',
  'rebuild_ratio_vs_emmett',
  'query_p99_ms',
  'asof_10k_ms',
  'extraction_words_per_s',
  'rss_mb_max',
] as const;

/**
 * In run order. The rebuild goes last: it writes about 2 GB (1,000,000 events, their read model and its
 * WAL) and Postgres checkpoints and vacuums for minutes after it, which a benchmark run next would measure.
 */
const BENCHMARKS: Benchmark[] = [extractionBench, appendBench, queryBench, e2eBench, asofBench, rebuildBench];

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function machine(ctx: BenchContext): Promise<Record<string, unknown>> {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  let pg: string | null = null;
  try {
    const c = new Client({ connectionString: `${ctx.pgServer}/postgres` });
    await c.connect();
    const r = await c.query("SELECT current_setting('server_version') AS v, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc, current_setting('shared_buffers') AS sb");
    await c.end();
    pg = `${r.rows[0].v} (fsync=${r.rows[0].fsync}, synchronous_commit=${r.rows[0].sc}, shared_buffers=${r.rows[0].sb})`;
  } catch (err) {
    pg = `unreachable: ${(err as Error).message}`;
  }
  let nats: string | null = null;
  try {
    const nc = await connectNats({ servers: ctx.natsUrl.split(','), name: 'bench-info' });
    nats = `${nc.info?.version ?? '?'} (jetstream=${nc.info?.jetstream ?? '?'})`;
    await nc.close();
  } catch (err) {
    nats = `unreachable: ${(err as Error).message}`;
  }
  return {
    nproc: Number(sh('nproc', [])) || os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpu,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    postgres: pg,
    nats,
    kernel: os.release(),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const valued = new Set(['--runs', '--warmups']);
  const names = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    process.exit(2);
  }
  const root = path.resolve(__dirname, '..');
  const runs = Number(argValue(args, '--runs') ?? 5);
  const ctx: BenchContext = {
    root,
    pgServer: process.env.BENCH_PG_SERVER ?? 'postgres://root@127.0.0.1:5432',
    database: process.env.BENCH_DATABASE ?? 'timeline_bench',
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    runs: quick ? runs : Math.max(5, runs),
    warmups: Math.max(1, Number(argValue(args, '--warmups') ?? 1)),
    quick,
    profile: args.includes('--profile'),
    log: (m) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)} load ${load1()}] ${m}\n`),
  };
  const selected = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  const info = await machine(ctx);
  ctx.log(`machine: ${JSON.stringify(info)}`);

  const keys: Record<string, number | null> = Object.fromEntries(KEYS.map((k) => [k, null]));
  const benches: Record<string, unknown> = {};
  for (const b of selected) {
    ctx.log(`--- ${b.name} ---`);
    const t0 = Date.now();
    const loadBefore = load1();
    try {
      const r = await b.run(ctx);
      Object.assign(keys, r.keys);
      benches[b.name] = { keys: r.keys, details: r.details, notes: r.notes ?? [], seconds: Math.round((Date.now() - t0) / 1000), load1Before: loadBefore, load1After: load1(), at: new Date().toISOString() };
    } catch (err) {
      ctx.log(`${b.name} failed: ${(err as Error).stack ?? err}`);
      const nulls = Object.fromEntries(b.keys.map((k) => [k, null]));
      Object.assign(keys, nulls);
      benches[b.name] = { keys: nulls, error: (err as Error).message, notes: [`failed: ${(err as Error).message}`], at: new Date().toISOString() };
    }
  }
  await dropDatabase(ctx, ctx.database).catch(() => undefined);

  // Results of the day, merged: a benchmark run alone replaces only its own entry.
  const date = new Date().toISOString().slice(0, 10);
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${date}.json`);
  const prev = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { benchmarks: {} };
  const merged = {
    date,
    quick,
    runs: ctx.runs,
    warmups: ctx.warmups,
    machine: { ...info, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    benchmarks: { ...prev.benchmarks, ...benches },
  };
  const all: Record<string, number | null> = Object.fromEntries(KEYS.map((k) => [k, null]));
  for (const b of Object.values(merged.benchmarks) as Array<{ keys: Record<string, number | null> }>) Object.assign(all, b.keys);
  writeFileSync(file, JSON.stringify({ ...merged, keys: all }, null, 2) + '\n');
  ctx.log(`wrote ${path.relative(root, file)}`);
  if (!args.includes('--no-md') && !quick) {
    const md = path.join(root, 'BENCHMARKS.md');
    writeFileSync(md, renderMarkdown(existsSync(md) ? readFileSync(md, 'utf8') : '', { ...merged, keys: all }));
    ctx.log('updated BENCHMARKS.md');
  }
  const out = Object.fromEntries(KEYS.map((k) => [k, keys[k]]));
  if (json) process.stdout.write(JSON.stringify(out) + '\n');
  else process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);

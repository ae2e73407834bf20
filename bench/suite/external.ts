import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BenchContext, Benchmark, dbUrl } from './context';
import { median, round, series } from './stats';

/**
 * Run one of the audit work's own benchmark scripts (bench/asof.bench.ts,
 * bench/rebuild.bench.ts — not part of this suite's files, called as they
 * are) in a child process against the suite's database, and parse the JSON
 * it prints last. Null when the script does not exist (feature not landed).
 */
async function runScript(ctx: BenchContext, script: string, args: string[], timeoutMs: number): Promise<Record<string, any> | null> {
  const file = path.join(ctx.root, 'bench', script);
  if (!existsSync(file)) return null;
  const hook = './bench/swc-hook.js';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', hook, path.join('bench', script), ...args], {
      cwd: ctx.root,
      env: { ...process.env, TEST_DATABASE_URL: dbUrl(ctx) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
      const start = out.lastIndexOf('\n{\n') >= 0 ? out.lastIndexOf('\n{\n') + 1 : out.indexOf('{');
      try {
        resolve(JSON.parse(out.slice(start)));
      } catch {
        reject(new Error(`${script}: no JSON result in its output`));
      }
    });
  });
}

/** As-of replay of a 10,000-event story (bench/asof.bench.ts: 3 warm-ups, then `runs` measured). */
export const asofBench: Benchmark = {
  name: 'asof',
  keys: ['asof_10k_ms'],
  async run(ctx) {
    const runs = Math.max(ctx.runs, ctx.quick ? 3 : 9);
    const r = await runScript(ctx, 'asof.bench.ts', ['10000', String(runs)], 10 * 60_000);
    if (!r) return { keys: { asof_10k_ms: null }, details: {}, notes: ['bench/asof.bench.ts not present: as-of replay not landed'] };
    return { keys: { asof_10k_ms: r.medianMs ?? null }, details: { script: 'bench/asof.bench.ts', result: r } };
  },
};

/**
 * Rebuild of the timeline tables (bench/rebuild.bench.ts), then ours vs
 * Emmett's projection rebuild on the same events (bench/rebuild-emmett.ts).
 * Sizes: BENCH_REBUILD_STORIES × BENCH_REBUILD_PER_STORY events (default
 * 100 × 10,000 = the 1,000,000; loading them takes ~6 min here and
 * each run ~100 s: BENCH_REBUILD_STORIES=20 for a shorter 200,000; the
 * rebuild streams, memory does not grow with the log), Emmett on
 * BENCH_REBUILD_EMMETT_EVENTS events of one story (default 1,000: its per-event rebuild is slow), 3 runs each.
 */
export const rebuildBench: Benchmark = {
  name: 'rebuild',
  keys: ['rebuild_events_per_s', 'rebuild_ratio_vs_emmett'],
  async run(ctx) {
    const stories = ctx.quick ? 2 : Number(process.env.BENCH_REBUILD_STORIES ?? 100);
    const perStory = ctx.quick ? 5_000 : Number(process.env.BENCH_REBUILD_PER_STORY ?? 10_000);
    const emmettEvents = ctx.quick ? 200 : Number(process.env.BENCH_REBUILD_EMMETT_EVENTS ?? 1000);
    const total = ctx.warmups + ctx.runs;
    const r = await runScript(ctx, 'rebuild.bench.ts', [String(stories), String(perStory), String(total), String(emmettEvents), ctx.quick ? '1' : '3'], 60 * 60_000);
    if (!r) return { keys: { rebuild_events_per_s: null, rebuild_ratio_vs_emmett: null }, details: {}, notes: ['bench/rebuild.bench.ts not present: rebuild not landed'] };
    const measured = (r.runs as Array<{ eventsPerSecond: number }>).slice(ctx.warmups).map((x) => x.eventsPerSecond);
    const em = r.emmett as { ratio: number; events: number } | null;
    return {
      keys: { rebuild_events_per_s: round(median(measured), 0), rebuild_ratio_vs_emmett: em ? em.ratio : null },
      details: { script: 'bench/rebuild.bench.ts', events: stories * perStory, eventsPerSecond: series(measured, 0), result: r },
      notes: [
        `rebuild of ${(stories * perStory).toLocaleString('en-US')} events per run`,
        em ? `ratio: ours / Emmett rebuildPostgreSQLProjections (pull batch 1000, our evolve + writeTimelineRows per batch) on the same ${em.events.toLocaleString('en-US')} events (Emmett hands its projection one event per call), medians of 3 runs each` : 'no Emmett comparison',
      ],
    };
  },
};

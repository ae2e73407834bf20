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
 * Rebuild of the timeline tables (bench/rebuild.bench.ts). The issue asks
 * for 1,000,000 events; at the ~4,000 events/s measured on this machine one
 * rebuild of 1M would take over 4 minutes per run, so the suite uses
 * 5 stories × 10,000 events (50,000) per run and says so.
 */
export const rebuildBench: Benchmark = {
  name: 'rebuild',
  keys: ['rebuild_events_per_s', 'rebuild_ratio_vs_emmett'],
  async run(ctx) {
    const stories = ctx.quick ? 2 : Number(process.env.BENCH_REBUILD_STORIES ?? 5);
    const perStory = ctx.quick ? 5_000 : Number(process.env.BENCH_REBUILD_PER_STORY ?? 10_000);
    const total = ctx.warmups + ctx.runs;
    const r = await runScript(ctx, 'rebuild.bench.ts', [String(stories), String(perStory), String(total)], 30 * 60_000);
    const emmettNote = 'rebuild_ratio_vs_emmett: null — an Emmett projection doing the same work (evolve per story, statements/items/story rows, relations) would be a second implementation of our read model, not a like-for-like peer; not built in this round';
    if (!r) return { keys: { rebuild_events_per_s: null, rebuild_ratio_vs_emmett: null }, details: {}, notes: ['bench/rebuild.bench.ts not present: rebuild not landed', emmettNote] };
    const measured = (r.runs as Array<{ eventsPerSecond: number }>).slice(ctx.warmups).map((x) => x.eventsPerSecond);
    return {
      keys: { rebuild_events_per_s: round(median(measured), 0), rebuild_ratio_vs_emmett: null },
      details: { script: 'bench/rebuild.bench.ts', events: stories * perStory, eventsPerSecond: series(measured, 0), result: r },
      notes: [`rebuild of ${(stories * perStory).toLocaleString('en-US')} events per run, not 1,000,000 (about 4 min per run at the measured rate)`, emmettNote],
    };
  },
};

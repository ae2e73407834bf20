import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { WireItem } from '@timeline/events';
import { extract } from '@timeline/extraction';
import { finishItem, normalizeNinjs } from '@timeline/feeds';
import type { Benchmark, BenchContext } from './context';
import { load1, round, series } from './stats';

/** The corpus articles as ingest normalizes them (the same finishing step), with their word counts. */
export function corpusItems(dir = path.resolve(__dirname, '../../../shared/corpus/articles')): Array<{ item: WireItem; words: number }> {
  const out: Array<{ item: WireItem; words: number }> = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const item = finishItem({ ...normalizeNinjs(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))) });
      out.push({ item, words: (item.body_text ?? '').split(/\s+/).filter(Boolean).length });
    } catch {
      // a deliberately broken article of the corpus: not extractor input
    }
  }
  return out;
}

/**
 * Extractor alone: `extract(item)` over the corpus articles, repeated until a
 * run has seen `targetWords` words. Figure = words / CPU second of this
 * process (user + system; the extractor is single-threaded, so ≈ per core).
 */
export const extractionBench: Benchmark = {
  name: 'extraction',
  keys: ['extraction_words_per_s'],
  async run(ctx: BenchContext) {
    const items = corpusItems();
    const perPass = items.reduce((s, i) => s + i.words, 0);
    const targetWords = ctx.quick ? 20_000 : 150_000;
    const passes = Math.max(1, Math.ceil(targetWords / perPass));
    const cpuRates: number[] = [];
    const wallRates: number[] = [];
    let statements = 0;
    // The extractor runs in a long-lived ingest process: measure its steady state. Within one
    // process the first passes run while V8 still optimises (and its compiler threads' CPU is
    // counted), so at least 3 warm-up runs, whatever --warmups says.
    const warmups = ctx.quick ? ctx.warmups : Math.max(3, ctx.warmups);
    for (let r = 0; r < warmups + ctx.runs; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let words = 0;
      statements = 0;
      for (let p = 0; p < passes; p++) {
        for (const { item, words: w } of items) {
          statements += extract(item).statements.length;
          words += w;
        }
      }
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6;
      if (r < warmups) continue;
      cpuRates.push(words / cpu);
      wallRates.push(words / wall);
      ctx.log(`extraction run ${r - warmups + 1}: ${round(words / cpu, 0)} words/s CPU, ${round(words / wall, 0)} words/s wall`);
    }
    const s = series(cpuRates, 0);
    return {
      keys: { extraction_words_per_s: s.median },
      details: {
        articles: items.length,
        wordsPerPass: perPass,
        passesPerRun: passes,
        statementsPerPass: statements / passes,
        wordsPerCpuSecond: s,
        wordsPerWallSecond: series(wallRates, 0),
        load1AtEnd: load1(),
      },
    };
  },
};

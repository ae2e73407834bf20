import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { score } from './score';
import { cmpCodePoints, pyStrip } from './text';
import type { ArticleMeta, EvalReport, GoldFile, Prediction } from './types';

/**
 * Read every `*.json` of a gold folder, in file-name order (by code point, as
 * Python's `sorted(os.listdir())`). Throws on unreadable or invalid JSON.
 */
export function loadGoldDir(dir: string): GoldFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort(cmpCodePoints)
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as GoldFile);
}

/**
 * Parse extractor output: one JSON object per line. Lines are split at `\n`,
 * `\r\n` or `\r` and stripped; lines that do not then start with `{` (blank
 * lines, comments, a line with a byte-order mark) are skipped, as the
 * reference does. Throws on a `{` line that is not valid JSON.
 */
export function loadPredictions(ndjsonText: string): Prediction[] {
  const out: Prediction[] = [];
  for (const raw of ndjsonText.split(/\r\n|\r|\n/)) {
    const line = pyStrip(raw);
    if (!line.startsWith('{')) continue;
    out.push(JSON.parse(line) as Prediction);
  }
  return out;
}

/**
 * The articles (ninjs items) for the given item ids from an `articles/` folder;
 * an id whose file is missing or not valid JSON maps to null (its own day is
 * then unknown, as in the reference).
 */
export function loadArticles(articlesDir: string, ids: readonly string[]): Map<string, ArticleMeta | null> {
  const out = new Map<string, ArticleMeta | null>();
  for (const id of ids) {
    try {
      out.set(id, JSON.parse(readFileSync(path.join(articlesDir, `${id}.json`), 'utf8')) as ArticleMeta);
    } catch {
      out.set(id, null);
    }
  }
  return out;
}

/**
 * Score predictions against a corpus folder holding `gold/` and `articles/`
 * (e.g. `../shared/corpus`): loads the gold files and the articles' own days,
 * then calls `score()`. `predictions` is NDJSON text or already parsed objects.
 * The same as `score-reference.py CORPUS/gold PRED.ndjson`.
 */
export function evaluate(corpusDir: string, predictions: string | readonly Prediction[]): EvalReport {
  const goldDir = path.join(corpusDir, 'gold');
  return evaluateGoldDir(goldDir, predictions);
}

/**
 * As `evaluate`, given the gold folder itself; the articles are read from the
 * `articles/` folder beside it, as the reference does.
 */
export function evaluateGoldDir(goldDir: string, predictions: string | readonly Prediction[]): EvalReport {
  if (!existsSync(goldDir)) throw new Error(`gold folder not found: ${goldDir}`);
  const golds = loadGoldDir(goldDir);
  const articlesDir = path.join(path.dirname(path.resolve(goldDir)), 'articles');
  const articles = loadArticles(
    articlesDir,
    golds.map((g) => g.article),
  );
  const preds = typeof predictions === 'string' ? loadPredictions(predictions) : predictions;
  return score(golds, preds, articles);
}

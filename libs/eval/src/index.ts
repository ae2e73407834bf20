/**
 * @timeline/eval: scores extractor output against the gold answer key of
 * shared/corpus, in agreement with shared/tools/score-reference.py.
 *
 * `score()` and `formatReport()` are pure; `load.ts` (loadGoldDir,
 * loadPredictions, loadArticles, evaluate) reads files.
 */
export * from './types';
export { score, speakerOk, surnameCounts, dateOk, itemDay } from './score';
export { formatReport } from './format';
export { toks, tokF1, normName } from './text';
export { loadGoldDir, loadPredictions, loadArticles, evaluate, evaluateGoldDir } from './load';

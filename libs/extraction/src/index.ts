/**
 * @timeline/extraction — the pure statement extractor (no Nest, pg or NATS
 * imports; no I/O; no clock).
 */
export * from './types';
export * from './story.contract';
export { EXTRACTOR } from './version';
export { extract, tokenF1 } from './extract';
export { assignStory, updateStorySignature, mergeStorySignatures, storedSignature, itemTerms, STORY_THRESHOLD, STORY_WINDOW_DAYS, STORY_MERGE_THRESHOLD, STORY_MERGE_MIN_TERMS } from './story';
export { extractBatch } from './batch';
export type { GoldPrediction, GoldStatementPrediction } from './batch';

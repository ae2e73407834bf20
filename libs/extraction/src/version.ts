import type { ExtractorRef } from '@timeline/events';

/**
 * Name and version of this extractor (DESIGN.md decision 7). Bump the version
 * whenever the output for some input changes, so re-derived statements are
 * told apart in the log.
 */
export const EXTRACTOR: ExtractorRef = { name: 'timeline-rules', version: '0.5.0' };

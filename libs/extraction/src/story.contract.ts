import type { WireItem } from '@timeline/events';

/**
 * What the story clusterer keeps per story so a new item can be assigned to
 * an existing story or open a new one. Stored by the service in the read
 * model (stories.signature jsonb) and kept in memory by `timeline extract`.
 */
export interface StorySignature {
  storyId: string;
  title: string;
  /** Salient terms (names, organisations, places, key nouns) with weights. */
  terms: Record<string, number>;
  /** Canonical speaker names seen in the story. */
  speakers: string[];
  firstcreated: string;
  lastcreated: string;
  /** Every item uri already in the story (a later version of one of them always joins it). */
  itemUris: string[];
}

export interface StoryAssignment {
  storyId: string;
  isNew: boolean;
  title: string;
}

export type AssignStory = (item: WireItem, stories: readonly StorySignature[]) => StoryAssignment;

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

/**
 * The item bridges stories that turn out to be one: it joins the survivor
 * (`storyId` of the assignment) and the merged stories fold into it.
 */
export interface StoryMerge {
  survivorStoryId: string;
  /** Sorted by story id. */
  mergedStoryIds: string[];
  /** Per story the item matched (survivor first, then the merged ones): the item's similarity and the salient terms shared. */
  evidence: Array<{ storyId: string; score: number; sharedTerms: string[] }>;
}

export interface StoryAssignment {
  storyId: string;
  isNew: boolean;
  title: string;
  /** Set when the item bridges two or more existing stories (see assignStory). */
  merge?: StoryMerge;
}

export type AssignStory = (item: WireItem, stories: readonly StorySignature[]) => StoryAssignment;

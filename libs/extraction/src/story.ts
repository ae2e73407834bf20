/**
 * Story clustering: assign a wire item to a developing story by shared
 * salient terms (capitalised names of people, organisations and places),
 * speakers and time. An item whose uri is already in a story always joins it;
 * a new story's id is `storyIdFor(item.uri)`.
 */
import { storyIdFor } from '@timeline/events';
import type { WireItem } from '@timeline/events';
import type { AssignStory, StoryAssignment, StorySignature } from './story.contract';
import type { ExtractedStatement } from './types';
import { NOT_NAME, TITLE_WORDS } from './lexicon';

const DAY_MS = 86_400_000;
/** Stories older than this (from their last item) are closed. */
export const STORY_WINDOW_DAYS = 21;
/** Minimum weighted share of an item's salient terms found in a story. */
export const STORY_THRESHOLD = 0.22;

const GENERIC = new Set(
  'related reporting editing additional sign kill end corrects photo example wire reuters ap afp getty images newsletter briefing read more update exclusive factbox explainer analysis government ministry police court company president minister chief executive director spokesman spokeswoman'.split(
    ' ',
  ),
);

/**
 * Salient terms of an item: capitalised words (lower-cased, possessive
 * dropped) outside boilerplate lines, with counts; the headline counts twice.
 */
export function itemTerms(item: WireItem): Record<string, number> {
  if (lastTerms && lastTerms.item === item) return { ...lastTerms.terms };
  const terms = termsOf(item);
  lastTerms = { item, terms };
  return { ...terms };
}

/** The last item's terms: an item is assigned, then folded into its story, so its terms are read twice in a row. */
let lastTerms: { item: WireItem; terms: Record<string, number> } | null = null;

function termsOf(item: WireItem): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = [item.headline ?? '', item.headline ?? '', ...(item.body_text ?? '').split(/\n+/)].filter(
    (l) => !/^\s*(?:\(|©|related|sign up)/i.test(l),
  );
  const agencyWords = new Set(
    (/\(([^)]+)\)\s*[-–—]/.exec(item.body_text ?? '')?.[1] ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean),
  );
  for (const line of lines) {
    const re = /\b[A-Z\u00c0-\u00de][\p{L}'’-]{2,}/gu;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line))) {
      const w = m[0].toLowerCase().replace(/['’]s?$/, '');
      if (NOT_NAME.has(w) || TITLE_WORDS.has(w) || GENERIC.has(w) || agencyWords.has(w) || w.length < 3) continue;
      out[w] = (out[w] ?? 0) + 1;
    }
  }
  return out;
}

function similarity(terms: Record<string, number>, sig: StorySignature, df: Map<string, number>, n: number): number {
  let num = 0;
  let den = 0;
  for (const [t, c] of Object.entries(terms)) {
    const idf = Math.log(1 + (n + 1) / (1 + (df.get(t) ?? 0)));
    const w = idf * Math.min(3, c);
    den += w;
    if (sig.terms[t]) num += w;
  }
  return den ? num / den : 0;
}

/**
 * Assign `item` to one of `stories` or open a new story.
 * Rules: a story already holding the item's uri wins; otherwise the story
 * with the highest salient-term similarity (idf-weighted over the given
 * stories) within STORY_WINDOW_DAYS of its last item, if ≥ STORY_THRESHOLD;
 * of equally similar stories, the one with the smallest story id (so the
 * order of `stories` never matters).
 */
export const assignStory: AssignStory = (item: WireItem, stories: readonly StorySignature[]): StoryAssignment => {
  const own = stories.find((s) => s.itemUris.includes(item.uri));
  if (own) return { storyId: own.storyId, isNew: false, title: own.title };
  const terms = itemTerms(item);
  const df = new Map<string, number>();
  for (const s of stories) for (const t of Object.keys(s.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const t0 = Date.parse(item.firstcreated);
  let best: { s: StorySignature; f: number } | null = null;
  for (const s of stories) {
    const last = Date.parse(s.lastcreated);
    const first = Date.parse(s.firstcreated);
    if (t0 - last > STORY_WINDOW_DAYS * DAY_MS || first - t0 > STORY_WINDOW_DAYS * DAY_MS) continue;
    const f = similarity(terms, s, df, stories.length);
    // A tie goes to the smaller story id: the registry's order (read-model row
    // order) must not decide, or the same items cluster differently run to run.
    if (!best || f > best.f || (f === best.f && s.storyId < best.s.storyId)) best = { s, f };
  }
  if (best && best.f >= STORY_THRESHOLD) return { storyId: best.s.storyId, isNew: false, title: best.s.title };
  return { storyId: storyIdFor(item.uri), isNew: true, title: item.headline ?? '' };
};

/**
 * Fold an item (and its statements) into a story signature: terms are
 * summed, speakers and item uris collected, the time span widened.
 * A new signature is created when `sig` is undefined.
 */
export function updateStorySignature(sig: StorySignature | undefined, storyId: string, item: WireItem, statements: ExtractedStatement[]): StorySignature {
  const base: StorySignature = sig
    ? { ...sig, terms: { ...sig.terms }, speakers: [...sig.speakers], itemUris: [...sig.itemUris] }
    : { storyId, title: item.headline ?? '', terms: {}, speakers: [], firstcreated: item.firstcreated, lastcreated: item.firstcreated, itemUris: [] };
  for (const [t, c] of Object.entries(itemTerms(item))) base.terms[t] = (base.terms[t] ?? 0) + c;
  for (const s of statements) if (!base.speakers.includes(s.source.name)) base.speakers.push(s.source.name);
  if (!base.itemUris.includes(item.uri)) base.itemUris.push(item.uri);
  if (Date.parse(item.firstcreated) < Date.parse(base.firstcreated)) base.firstcreated = item.firstcreated;
  if (Date.parse(item.firstcreated) > Date.parse(base.lastcreated)) base.lastcreated = item.firstcreated;
  return base;
}

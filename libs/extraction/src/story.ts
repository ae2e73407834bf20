/**
 * Story clustering: assign a wire item to a developing story by shared
 * salient terms (capitalised names of people, organisations and places),
 * speakers and time. An item whose uri is already in a story always joins it;
 * a new story's id is `storyIdFor(item.uri)`.
 */
import { storyIdFor } from '@timeline/events';
import type { WireItem } from '@timeline/events';
import type { AssignStory, StoryAssignment, StoryMerge, StorySignature } from './story.contract';
import type { ExtractedStatement } from './types';
import { NOT_NAME, TITLE_WORDS } from './lexicon';
import { abbreviationBefore } from './text';

const DAY_MS = 86_400_000;
/** Stories older than this (from their last item) are closed. */
export const STORY_WINDOW_DAYS = 21;
/** Minimum weighted share of an item's salient terms found in a story. */
export const STORY_THRESHOLD = 0.22;
/**
 * Merge rule: an item bridges two stories only when it matches EACH of them
 * at least this strongly (higher than the assignment threshold) ...
 */
export const STORY_MERGE_THRESHOLD = 0.3;
/** ... and shares at least this many distinct salient terms with each (one shared surname is not a bridge). */
export const STORY_MERGE_MIN_TERMS = 3;

const GENERIC = new Set(
  'related reporting editing additional sign kill end corrects photo example wire reuters ap afp getty images newsletter briefing read more update exclusive factbox explainer analysis government ministry police court company president minister chief executive director spokesman spokeswoman'.split(
    ' ',
  ),
);

/**
 * Salient terms of an item: capitalised words (lower-cased, possessive
 * dropped) outside boilerplate lines, with counts; the headline counts twice.
 *
 * A capital that only the position explains is not a name: a word opening a
 * sentence, a paragraph, the headline or a quotation ("Nothing has been
 * taken off the table", "Residents said") counts only when the item also
 * capitalises it mid-sentence ("the Kremlin", "said Residents Association
 * chair …") or a capitalised word follows it ("Tobias Renn said", a name of
 * several words), the truecasing rule an editor applies when telling a name from
 * an ordinary word (cf. Lita et al., "tRuEcasIng", ACL 2003: the case of a
 * sentence-initial token is unknown and inferred from its other mentions).
 */
export function itemTerms(item: WireItem): Record<string, number> {
  if (lastTerms && lastTerms.item === item) return { ...lastTerms.terms };
  const terms = termsOf(item);
  lastTerms = { item, terms };
  return { ...terms };
}

/** The last item's terms: an item is assigned, then folded into its story, so its terms are read twice in a row. */
let lastTerms: { item: WireItem; terms: Record<string, number> } | null = null;

/** A capitalised word of two or more further letters. */
const CAPITALISED = /\b[A-Z\u00c0-\u00de][\p{L}'’-]{2,}/gu;
/**
 * Whether the word at `at` in `line` opens a sentence, a paragraph or a
 * quotation: only spaces and opening quotes/brackets lie between it and the
 * line's start, a sentence-ending mark (! ? : ; …, or a period not after an
 * abbreviation or initial, the rule of the sentence splitter in text.ts), an
 * opening quotation mark or bracket, or a dash standing apart (a dateline's
 * "(Reuters) - ", an em-dash transcript). A hyphen inside a word
 * ("pro-Kremlin") and "Mr. Peskov", "Gov. Newsom", "John F. Kennedy" do not.
 */
function opensSentence(line: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /\s/.test(line[i])) i--;
  if (i < 0) return true;
  const c = line[i];
  if ('"“”«»‘’\'([!?:;…—–'.includes(c)) return true;
  if (c === '-') return i === 0 || /\s/.test(line[i - 1]);
  if (c !== '.') return false;
  return !abbreviationBefore(line, i, 0);
}

/** After a word: another capitalised word follows, so the first is part of a name ("Tobias Renn said", "Dockworkers Union"). */
const NAME_GOES_ON = /^[ \u00a0][A-Z\u00c0-\u00de]/;

function termsOf(item: WireItem): Record<string, number> {
  const lines = [item.headline ?? '', item.headline ?? '', ...(item.body_text ?? '').split(/\n+/)].filter(
    (l) => !/^\s*(?:\(|©|related|sign up)/i.test(l),
  );
  const agencyWords = new Set(
    (/\(([^)]+)\)\s*[-–—]/.exec(item.body_text ?? '')?.[1] ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean),
  );
  const counts: Record<string, number> = {};
  const midSentence = new Set<string>();
  for (const line of lines) {
    CAPITALISED.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = CAPITALISED.exec(line))) {
      const w = m[0].toLowerCase().replace(/['’]s?$/, '');
      if (NOT_NAME.has(w) || TITLE_WORDS.has(w) || GENERIC.has(w) || agencyWords.has(w) || w.length < 3) continue;
      counts[w] = (counts[w] ?? 0) + 1;
      const end = m.index + m[0].length;
      if (!opensSentence(line, m.index) || NAME_GOES_ON.test(line.slice(end, end + 3))) midSentence.add(w);
    }
  }
  const out: Record<string, number> = {};
  for (const w in counts) if (midSentence.has(w)) out[w] = counts[w];
  return out;
}

function similarity(terms: Record<string, number>, sig: StorySignature, df: Map<string, number>, n: number): { f: number; shared: string[] } {
  let num = 0;
  let den = 0;
  const shared: string[] = [];
  for (const [t, c] of Object.entries(terms)) {
    const idf = Math.log(1 + (n + 1) / (1 + (df.get(t) ?? 0)));
    const w = idf * Math.min(3, c);
    den += w;
    if (sig.terms[t]) {
      num += w;
      shared.push(t);
    }
  }
  return { f: den ? num / den : 0, shared };
}

/** Older story first: earlier first item, then the smaller story id (never the registry's order). */
function olderFirst(a: StorySignature, b: StorySignature): number {
  const ta = Date.parse(a.firstcreated);
  const tb = Date.parse(b.firstcreated);
  if (ta !== tb) return ta - tb;
  return a.storyId < b.storyId ? -1 : a.storyId > b.storyId ? 1 : 0;
}

/**
 * Assign `item` to one of `stories` or open a new story.
 * Rules: a story already holding the item's uri wins; otherwise the story
 * with the highest salient-term similarity (idf-weighted over the given
 * stories) within STORY_WINDOW_DAYS of its last item, if ≥ STORY_THRESHOLD;
 * of equally similar stories, the one with the smallest story id (so the
 * order of `stories` never matters).
 *
 * Merge rule (issue 3, "any later merge of two stories"): when the item
 * matches two or more stories each with similarity ≥ STORY_MERGE_THRESHOLD
 * and ≥ STORY_MERGE_MIN_TERMS distinct shared salient terms, they are one
 * developing story reported under two threads: the item joins the OLDEST of
 * them (earliest first item; equal times: the smaller story id), the
 * survivor, and `merge` names the others. A story that shares only a name
 * (one surname) with the item never merges. The decision reads only the
 * signatures, so the same log gives the same merges.
 */
export const assignStory: AssignStory = (item: WireItem, stories: readonly StorySignature[]): StoryAssignment => {
  const own = stories.find((s) => s.itemUris.includes(item.uri));
  if (own) return { storyId: own.storyId, isNew: false, title: own.title };
  const terms = itemTerms(item);
  const df = new Map<string, number>();
  for (const s of stories) for (const t of Object.keys(s.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const t0 = Date.parse(item.firstcreated);
  let best: { s: StorySignature; f: number } | null = null;
  const bridged: Array<{ s: StorySignature; f: number; shared: string[] }> = [];
  for (const s of stories) {
    const last = Date.parse(s.lastcreated);
    const first = Date.parse(s.firstcreated);
    if (t0 - last > STORY_WINDOW_DAYS * DAY_MS || first - t0 > STORY_WINDOW_DAYS * DAY_MS) continue;
    const { f, shared } = similarity(terms, s, df, stories.length);
    // A tie goes to the smaller story id: the registry's order (read-model row
    // order) must not decide, or the same items cluster differently run to run.
    if (!best || f > best.f || (f === best.f && s.storyId < best.s.storyId)) best = { s, f };
    if (f >= STORY_MERGE_THRESHOLD && shared.length >= STORY_MERGE_MIN_TERMS) bridged.push({ s, f, shared });
  }
  if (bridged.length >= 2) {
    bridged.sort((a, b) => olderFirst(a.s, b.s));
    const survivor = bridged[0].s;
    const merge: StoryMerge = {
      survivorStoryId: survivor.storyId,
      mergedStoryIds: bridged.slice(1).map((b) => b.s.storyId).sort(),
      evidence: bridged.map((b) => ({ storyId: b.s.storyId, score: Math.round(b.f * 1e6) / 1e6, sharedTerms: [...b.shared].sort() })),
    };
    return { storyId: survivor.storyId, isNew: false, title: survivor.title, merge };
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

/**
 * The signature of a survivor after a merge: terms summed, speakers and item
 * uris of the merged stories appended (survivor's first), the time span the
 * union of both; title and id stay the survivor's. Pure (inputs untouched).
 */
export function mergeStorySignatures(survivor: StorySignature, merged: readonly StorySignature[]): StorySignature {
  const out: StorySignature = { ...survivor, terms: { ...survivor.terms }, speakers: [...survivor.speakers], itemUris: [...survivor.itemUris] };
  for (const m of merged) {
    for (const [t, c] of Object.entries(m.terms)) out.terms[t] = (out.terms[t] ?? 0) + c;
    for (const sp of m.speakers) if (!out.speakers.includes(sp)) out.speakers.push(sp);
    for (const u of m.itemUris) if (!out.itemUris.includes(u)) out.itemUris.push(u);
    if (Date.parse(m.firstcreated) < Date.parse(out.firstcreated)) out.firstcreated = m.firstcreated;
    if (Date.parse(m.lastcreated) > Date.parse(out.lastcreated)) out.lastcreated = m.lastcreated;
  }
  return out;
}

/**
 * A signature as stored in the read model: the story's title (the opener's, as the
 * timeline state has it) and speakers and item uris sorted, so that the stored row
 * depends only on which events the story holds, not on the order they were appended
 * in (a redelivered item can be appended after a later one: the fault suite compares
 * read models of runs with and without crashes). Pure; `sig` is not changed.
 */
export function storedSignature(sig: StorySignature, title: string): StorySignature {
  return { ...sig, title, speakers: [...sig.speakers].sort(), itemUris: [...sig.itemUris].sort() };
}

/**
 * Speaker parsing and the per-story speaker registry: full names, titles and
 * roles, organisations, groups, anonymous sources, pronoun and role-noun
 * resolution, and merging of aliases and misspellings (fastest-levenshtein).
 */
import { distance } from 'fastest-levenshtein';
import type { SpeakerType } from '@timeline/events';
import type { KnownSpeaker } from './types';
import { ANON_HEADS, GROUP_HEADS, NOT_NAME, ORG_HEADS, OUTLET_HEADS, TITLE_WORDS } from './lexicon';

export interface Entity {
  name: string;
  type: SpeakerType;
  role: string | null;
  aliases: Set<string>;
  gender: 'm' | 'f' | null;
  /** offset of the last mention, for salience */
  last: number;
  /** known from earlier items of the story */
  fromStory: boolean;
}

/** A speaker noun phrase as parsed from the text, before resolution. */
export interface ParsedSpeaker {
  kind: 'name' | 'pronoun' | 'description';
  name: string;
  type: SpeakerType;
  role: string | null;
  pronoun?: string;
  /** head noun of a description ("spokeswoman", "company") */
  head?: string;
}

const NAME_TOKEN = /^(?:[A-Z\u00c0-\u00de][\p{L}'’.-]*|\p{Lu}[\p{L}'’.-]*|(?:de|da|di|du|del|della|der|den|van|von|al|el|bin|ibn|dos|das|ter|ten|la|le|y|zu|af)|(?:al|el|ad|as|ash|at|an|ar|ud|abu|ben|d|l)[-'’]\p{Lu}[\p{L}'’.-]*|[A-Z]{2,}|O'[A-Z][\p{L}]+)$/u;
const PARTICLE = /^(?:de|da|di|du|del|della|der|den|van|von|al|el|bin|ibn|dos|das|ter|ten|la|le|y|zu|af)$/;

export function stripPossessive(s: string): string {
  return s.replace(/['’]s?$/, '');
}

/** Whitespace other than a single plain space: needs collapsing. */
const NEEDS_COLLAPSE = /[^\S ]| {2}/;

/** Is the UTF-16 unit one that {@link clean} strips at the ends (space, comma, semicolon, colon, dashes)? */
function isEdge(c: number): boolean {
  return c === 32 || c === 44 || c === 59 || c === 58 || c === 0x2013 || c === 0x2014 || c === 45;
}

/**
 * Whitespace runs to one space, then spaces, commas, semicolons, colons and
 * dashes cut from both ends. (Was three regex passes; the same result.)
 */
function clean(s: string): string {
  const t = NEEDS_COLLAPSE.test(s) ? s.replace(/\s+/g, ' ') : s;
  let a = 0;
  let b = t.length;
  while (a < b && isEdge(t.charCodeAt(a))) a++;
  while (b > a && isEdge(t.charCodeAt(b - 1))) b--;
  return a === 0 && b === t.length ? t : t.slice(a, b);
}

/** Gender cue of a role or title ("spokeswoman" → f). */
export function genderOf(text: string): 'm' | 'f' | null {
  if (/\b(?:spokeswoman|chairwoman|congresswoman|mrs|ms|miss|madam|dame|lady|queen|princess|sister|mother|businesswoman|she|her)\b/i.test(text)) return 'f';
  if (/\b(?:spokesman|chairman|congressman|mr|sir|lord|king|prince|brother|father|businessman|he|his)\b/i.test(text)) return 'm';
  return null;
}

export function isOutletName(name: string): boolean {
  const words = name.toLowerCase().replace(/['’]s\b/g, '').split(/[\s-]+/);
  return words.some((w) => OUTLET_HEADS.has(w));
}

/**
 * Parse a speaker noun phrase ("Kremlin spokesman Dmitry Peskov", "the
 * spokeswoman", "two people familiar with the talks", "she").
 * Returns null when the phrase does not look like a speaker.
 */
export function parseSpeaker(raw: string): ParsedSpeaker | null {
  // memoised per item (pure); callers may amend the result, so they get a copy
  let hit = PARSE_MEMO.get(raw);
  if (hit === undefined) {
    if (PARSE_MEMO.size > 4096) PARSE_MEMO.clear();
    hit = parseSpeakerUncached(raw);
    PARSE_MEMO.set(raw, hit);
  }
  return hit && { ...hit };
}

const PARSE_MEMO = new Map<string, ParsedSpeaker | null>();

/** Forget memoised speaker parses (called per item, so a benchmark over repeated items measures real work). */
export function clearSpeakerMemo(): void {
  PARSE_MEMO.clear();
}

function parseSpeakerUncached(raw: string): ParsedSpeaker | null {
  let s = clean(raw)
    .replace(/^(?:and|but|so|then|meanwhile|however|also)\s+/i, '')
    .replace(/\s+(?:also|previously|later|earlier|repeatedly|again|then|separately|reportedly|publicly|privately|first|once|had|has|have|was|were|would|will|is|are|himself|herself|itself|themselves|too|both|alone|instead|still|already|subsequently|last|on)$/i, '');
  s = clean(s);
  if (!s) return null;
  const lower = s.toLowerCase();
  if (/^(?:he|she|it|they|we|i)$/i.test(s)) return { kind: 'pronoun', name: lower, type: lower === 'it' ? 'organization' : lower === 'they' ? 'group' : 'person', role: null, pronoun: lower };
  if (/^(?:who|which|that|this|what|there|here|one|nobody|no one|none)$/i.test(s)) return null;
  // a time expression is never a speaker ("last month", "a day after the company", "the following morning")
  if (TIME_PHRASE.test(s) && !NAME_AFTER_TIME_WORD.test(s)) return null;
  if (s.split(/\s+/).length > 14) return null;
  // a group noun alone, capitalised only because it opens the sentence ("Residents said")
  if (/^\p{Lu}\p{Ll}+$/u.test(s) && GROUP_HEADS.test(s) && /s$/.test(s)) return { kind: 'description', name: s.toLowerCase(), type: 'group', role: null, head: lower };
  const words = s.split(/\s+/);
  // capitalised runs
  const runs: Array<{ start: number; end: number }> = [];
  let i = 0;
  while (i < words.length) {
    const w = words[i].replace(/[,;:]$/, '');
    if (NAME_TOKEN.test(w) && !(PARTICLE.test(w) && (i === 0 || !/^[A-Z]/.test(words[i - 1])))) {
      let j = i + 1;
      while (j < words.length && NAME_TOKEN.test(words[j].replace(/[,;:]$/, '')) && !/[,;:]$/.test(words[j - 1])) j++;
      // particles at the end do not belong to a name
      while (j > i + 1 && PARTICLE.test(words[j - 1])) j--;
      runs.push({ start: i, end: j });
      i = j;
    } else i++;
  }
  // an organisation's name may hold a connective: "Chamber of Shipping", "Harbour and Transport Workers' Union"
  for (let r = runs.length - 1; r > 0; r--) {
    const a = runs[r - 1];
    const b = runs[r];
    if (b.start - a.end !== 1 || !/^(?:of|and|for|&)$/i.test(words[a.end]) || /[,;:]$/.test(words[a.end - 1])) continue;
    const merged = words.slice(a.start, b.end).map((w) => stripPossessive(w.replace(/[,;:]$/, '')).toLowerCase());
    if (!merged.some((w) => ORG_HEADS.has(w))) continue;
    runs.splice(r - 1, 2, { start: a.start, end: b.end });
  }
  const lastRun = runs[runs.length - 1];
  // a name is a capitalised run at the end of the phrase, or one followed by "of"/"at" + organisation
  if (lastRun && lastRun.end === words.length) {
    const runWords = words.slice(lastRun.start, lastRun.end).map((w) => w.replace(/[,;:]$/, ''));
    // split title words from the name
    let k = 0;
    for (let t = 0; t < runWords.length; t++) {
      const lw = stripPossessive(runWords[t]).toLowerCase();
      if (TITLE_WORDS.has(lw) || lw === 'affairs' || /^(?:vice|deputy|acting)-/.test(lw)) k = t + 1;
    }
    const isOrg = runWords.some((w) => ORG_HEADS.has(stripPossessive(w).toLowerCase())) || /^[A-Z]{2,}$/.test(runWords[runWords.length - 1]);
    const before = words.slice(0, lastRun.start).join(' ');
    if (isOrg && k < runWords.length) {
      // organisation: keep its full capitalised name, without a leading "The"
      let nameWords = runWords;
      if (/^the$/i.test(nameWords[0])) nameWords = nameWords.slice(1);
      if (k > 0 && k < runWords.length && !ORG_HEADS.has(runWords[runWords.length - 1].toLowerCase())) nameWords = runWords.slice(k);
      const name = nameWords.join(' ').replace(/['’]s$/, '');
      return { kind: 'name', name, type: 'organization', role: clean(before.replace(/^(?:the|a|an)(?:\s+|$)/i, '')) || null };
    }
    // "Henrik Osterby and Ludovica Ferrant": two named people speaking together
    if (/\band$/i.test(before.trim()) && runs.length >= 2 && k === 0) return { kind: 'description', name: s.replace(/^the\s+/i, ''), type: 'group', role: null, head: 'group' };
    // "Residents of Marrow Lane", "Farmers near Tolbeck": the name is the place of a group, not the speaker
    const groupHead = k === 0 ? (before.split(/\s+/).find((w) => !/^the$/i.test(w)) ?? '') : '';
    if (k === 0 && /^(?:the\s+)?[\p{L}-]+\s+(?:of|from|in|at|near|around|on)$/iu.test(before.trim()) && GROUP_HEADS.test(groupHead)) {
      return { kind: 'description', name: s.replace(/^the\s+/i, ''), type: 'group', role: null, head: groupHead.toLowerCase() };
    }
    const nameWords = runWords.slice(k).filter((w, idx) => idx > 0 || !LEADING_FUNCTION_WORDS.has(w.toLowerCase()));
    if (nameWords.length > 0) {
      const titlePart = [before, runWords.slice(0, k).join(' ')].filter(Boolean).join(' ');
      const name = nameWords.join(' ');
      if (nameWords.length === 1 && NOT_NAME.has(name.toLowerCase())) return null;
      const role = clean(titlePart.replace(/^(?:the|a|an)\s+/i, '').replace(/['’]s$/, '')) || null;
      // "Members of the Trump administration" style groups are handled below
      if (/^(?:members|officials|leaders|representatives) of\b/i.test(s)) return { kind: 'description', name: s.replace(/^the\s+/i, ''), type: 'group', role: null, head: 'members' };
      return { kind: 'name', name, type: 'person', role };
    }
  }
  // descriptions
  const desc = s.replace(/^(?:the|a|an)\s+/i, '');
  const hasNumberOrIndef = /^(?:a|an|one|two|three|four|five|six|several|some|many|other|another|senior|\d+)\b/i.test(s);
  const headMatch = /([a-z-]+)(?:\s+(?:familiar|with|at|of|from|in|who|close|briefed|involved|speaking)\b.*)?$/i.exec(desc);
  const head = headMatch ? headMatch[1].toLowerCase() : desc.toLowerCase();
  if (hasNumberOrIndef && ANON_HEADS.test(s)) {
    return { kind: 'description', name: desc, type: 'anonymous', role: null, head };
  }
  if (/\band\b/.test(s) && runs.length >= 2) return { kind: 'description', name: s, type: 'group', role: null, head: 'group' };
  if (/^the\b/i.test(s) || /^(?:its|his|her|their)\b/i.test(s) || runs.length === 0) {
    const type: SpeakerType = /\b(?:company|firm|group|authority|ministry|government|union|council|board|contractor|agency|regulator|association|federation|office|police|newspaper|bank|court|party|operator|club|department|commission|committee|statement|post|letter|report|hospital|university|embassy|army|military|cabinet|administration|paper|broadcaster|site)\b/i.test(
      head,
    )
      ? 'organization'
      : GROUP_HEADS.test(s) && !/\b(?:spokes|minister|secretary|director)/i.test(s)
        ? 'group'
        : ANON_HEADS.test(s) && hasNumberOrIndef
          ? 'anonymous'
          : 'person';
    if (desc.length < 2) return null;
    // "the Ostrand ferry line": a proper name modifying a head that names no person is an institution
    if (type === 'person' && /^the\s/i.test(s) && /^(?:\p{Lu}[\p{L}'’-]*\s+)+(?:[\p{Ll}-]+\s+)*[\p{Ll}-]+$/u.test(desc) && !isPersonNoun(head)) {
      return { kind: 'description', name: desc, type: 'organization', role: null, head };
    }
    return { kind: 'description', name: desc, type, role: null, head };
  }
  if (GROUP_HEADS.test(s)) return { kind: 'description', name: desc, type: 'group', role: null, head };
  return null;
}

/**
 * Can a head noun name a person? Titles and posts, nouns of anonymous
 * sources and groups, and agent nouns by their suffix (-er, -or, -ist,
 * -man, -woman, -person, -ian, -ant, -ent, -ee).
 */
function isPersonNoun(head: string): boolean {
  const h = head.toLowerCase();
  if (ORG_HEADS.has(h)) return false;
  return TITLE_WORDS.has(h) || ANON_HEADS.test(h) || GROUP_HEADS.test(h) || /(?:er|or|ist|man|woman|person|ian|ant|ent|ee|master|mistress)s?$/.test(h);
}

/** Phrases headed by a time noun. */
const TIME_PHRASE =
  /^(?:(?:a|an|the|one|two|three|four|five|several|some|last|next|this|that|same|following|previous|earlier|later|late|early|days?|weeks?|hours?)\s+)*(?:day|days|week|weeks|month|months|year|years|hour|hours|minute|minutes|morning|mornings|afternoon|evening|night|weekend|moment|time|(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|june|july|august|september|october|november|december)\b/i;
/** ... unless a name follows the word ("June Okafor", "March of Dimes"). */
const NAME_AFTER_TIME_WORD = /^\S+\s+(?:of\s+)?\p{Lu}\p{L}+(?:\s+\p{Lu}\p{L}+)*$/u;

/** Capitalised function words that cannot start a name (unlike "Jan", "May", "April"). */
const LEADING_FUNCTION_WORDS = new Set(
  'the a an in on at of for to by from with and but or as if when while after before since until asked speaking according this that these those his her its their'.split(' '),
);

/**
 * The surname of a person's name, with its particles ("Maarten van der
 * Berghe" → "van der Berghe", "Nasrin al-Hashimi" → "al-Hashimi"). A name
 * that opens with a particle ("Van der Berghe", "De la Fontaine", a surname
 * at the start of a sentence) is all surname.
 */
export function surnameOf(name: string): string {
  const w = name.split(/\s+/);
  if (w.length > 1 && PARTICLE.test(w[0].toLowerCase())) return name;
  let k = w.length - 1;
  while (k > 1 && PARTICLE.test(w[k - 1])) k--;
  return w.slice(k).join(' ');
}

/** The first name, or null when the name is only a surname (with particles). */
function firstOf(name: string): string | null {
  const w = name.split(/\s+/);
  if (w.length === 1 || PARTICLE.test(w[0].toLowerCase())) return null;
  return w[0];
}

/** Surnames equal case-insensitively ("van der Berghe" = "Van der Berghe"). */
function sameSurname(a: string, b: string): boolean {
  return surnameOf(a).toLowerCase() === surnameOf(b).toLowerCase();
}

/** The registry of speakers of one item, seeded with the story's known speakers. */
export class SpeakerRegistry {
  readonly entities: Entity[] = [];

  constructor(known: readonly KnownSpeaker[] = []) {
    for (const k of known) {
      this.entities.push({
        name: k.name,
        type: k.type,
        role: k.role,
        aliases: new Set(k.aliases.map((a) => a.toLowerCase())),
        gender: genderOf(k.role ?? ''),
        last: -1,
        fromStory: true,
      });
    }
  }

  /**
   * The entity a name or alias denotes. A full-name match wins; an alias
   * shared by several entities (two people with one surname) goes to the
   * one mentioned most recently, as a reader takes it.
   */
  private byName(name: string): Entity | undefined {
    const l = name.toLowerCase();
    let best: Entity | undefined;
    for (const e of this.entities) {
      if (e.name.toLowerCase() === l) return e;
      if (e.aliases.has(l) && (!best || e.last > best.last)) best = e;
    }
    return best;
  }

  /**
   * Resolve a parsed name to a registry entity, registering it when new.
   * Surnames resolve to the most recently mentioned person with that surname;
   * a misspelt surname (edit distance ≤ 1, or ≤ 2 for long names) merges with
   * a known person when first names (if both present) agree and no exact
   * match exists. Two known people who share a surname but differ in first
   * name are never merged.
   */
  resolveName(p: ParsedSpeaker, pos: number): Entity {
    const name = p.name;
    let e = this.byName(name);
    if (!e && p.type === 'person') {
      const sur = surnameOf(name).toLowerCase();
      const first = firstOf(name)?.toLowerCase() ?? null;
      const persons = this.entities.filter((x) => x.type === 'person');
      // exact surname
      const sameSur = persons.filter((x) => sameSurname(x.name, name));
      if (first === null && sameSur.length) e = sameSur.sort((a, b) => b.last - a.last)[0];
      else if (first !== null) {
        const exact = sameSur.find((x) => firstOf(x.name)?.toLowerCase() === first);
        if (exact) e = exact;
        // a story-known single-word alias?
      }
      if (!e && sur.length >= 5) {
        // misspelling
        const max = sur.length >= 9 ? 2 : 1;
        const cands = persons.filter((x) => {
          const xs = surnameOf(x.name).toLowerCase();
          if (xs === sur) return false;
          if (distance(xs, sur) > max) return false;
          if (first !== null && firstOf(x.name) !== null) return firstOf(x.name)!.toLowerCase() === first;
          return true;
        });
        // never merge when an exact-surname person exists with another first name
        if (cands.length === 1 && !(first !== null && sameSur.length > 0)) e = cands[0];
      }
    }
    if (!e && p.type === 'organization') {
      const l = name.toLowerCase();
      e = this.entities.find(
        (x) =>
          x.type === 'organization' &&
          (x.name.toLowerCase().endsWith(' ' + l) || l.endsWith(' ' + x.name.toLowerCase()) || x.name.toLowerCase().startsWith(l + ' ')),
      );
    }
    if (!e && p.type === 'organization' && name.split(/\s+/).length === 1) {
      // a single capitalised word: maybe a person's surname
      const l = name.toLowerCase();
      e = this.entities.find((x) => x.type === 'person' && surnameOf(x.name).toLowerCase() === l);
      if (!e && l.length >= 5) {
        const c = this.entities.filter((x) => x.type === 'person' && distance(surnameOf(x.name).toLowerCase(), l) === 1);
        if (c.length === 1) e = c[0];
      }
    }
    if (!e && p.type === 'person' && !name.includes(' ') && !p.role && !/^(?:mr|mrs|ms|dr)\b/i.test(name) && !/^\p{Ll}/u.test(name)) {
      // a single unknown capitalised word with no title: an organisation ("Airbus said")
      p = { ...p, type: 'organization' };
    }
    if (!e) {
      e = { name, type: p.type, role: p.role, aliases: new Set(), gender: genderOf(p.role ?? ''), last: pos, fromStory: false };
      if (p.type === 'person' && name.includes(' ')) {
        e.aliases.add(surnameOf(name).toLowerCase());
        const last = name.split(/\s+/).pop()!.toLowerCase();
        if (last !== surnameOf(name).toLowerCase()) e.aliases.add(last);
      }
      this.entities.push(e);
    } else {
      if (name.toLowerCase() !== e.name.toLowerCase()) e.aliases.add(name.toLowerCase());
      // a fuller name replaces a surname-only entry introduced earlier in this item
      if (p.type === 'person' && firstOf(e.name) === null && firstOf(name) !== null && sameSurname(name, e.name)) {
        e.aliases.add(e.name.toLowerCase());
        e.name = name;
      }
      if (!e.role && p.role) e.role = p.role;
      if (!e.gender) e.gender = genderOf(p.role ?? '');
      e.last = Math.max(e.last, pos);
    }
    return e;
  }

  /** Is a name (or a person's surname) already known? */
  knows(name: string): boolean {
    const l = name.toLowerCase();
    return !!this.byName(name) || this.entities.some((e) => e.type === 'person' && surnameOf(e.name).toLowerCase() === l);
  }

  /** Mark an entity as mentioned at `pos` (salience). */
  touch(e: Entity, pos: number): void {
    e.last = Math.max(e.last, pos);
  }

  /** Most salient entity for a pronoun, with gender / type agreement. */
  resolvePronoun(pronoun: string, pos: number): Entity | null {
    const want: SpeakerType[] = pronoun === 'it' ? ['organization'] : pronoun === 'they' ? ['organization', 'group', 'anonymous'] : ['person', 'anonymous'];
    const g = pronoun === 'he' ? 'm' : pronoun === 'she' ? 'f' : null;
    const cands = this.entities
      .filter((e) => e.last >= 0 && e.last < pos && want.includes(e.type) && (!g || !e.gender || e.gender === g))
      .sort((a, b) => b.last - a.last);
    const e = cands[0] ?? null;
    if (e && g && !e.gender) e.gender = g;
    return e;
  }

  /** Resolve a role noun ("the spokeswoman", "the company", "the minister") to a known entity. */
  resolveDescription(p: ParsedSpeaker, pos: number): Entity | null {
    const head = (p.head ?? '').toLowerCase();
    const text = p.name.toLowerCase();
    if (!head) return null;
    const stem = head.replace(/(?:es|s)$/, '');
    // "the company" is an organisation, never the person whose role mentions it ("company spokesman")
    const orgWanted = p.type === 'organization';
    const matches = this.entities
      .filter((e) => e.last >= 0 && e.last < pos && e.type !== 'anonymous' && (!orgWanted || e.type === 'organization'))
      .filter((e) => {
        const hay = ((e.role ?? '') + ' ' + e.name).toLowerCase();
        if (hay.includes(text)) return true;
        if (stem.length >= 3 && new RegExp(`\\b${stem.replace(/[^a-z-]/g, '')}`).test(hay)) return true;
        return false;
      })
      .sort((a, b) => b.last - a.last);
    if (matches.length) return matches[0];
    if (p.type === 'organization' && /^(?:company|firm|group|operator|contractor|authority|organisation|organization)$/.test(head)) {
      const orgs = this.entities.filter((e) => e.type === 'organization' && e.last >= 0 && e.last < pos && !isOutletName(e.name)).sort((a, b) => b.last - a.last);
      return orgs[0] ?? null;
    }
    return null;
  }

  /** Register a description (anonymous source, group) as its own entity. */
  registerDescription(p: ParsedSpeaker, pos: number): Entity {
    const e = this.byName(p.name);
    if (e) {
      e.last = Math.max(e.last, pos);
      return e;
    }
    const n: Entity = { name: p.name, type: p.type, role: p.role, aliases: new Set(), gender: genderOf(p.name), last: pos, fromStory: false };
    this.entities.push(n);
    return n;
  }
}

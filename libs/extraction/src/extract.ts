/**
 * The rule-based statement extractor: text in, statements out (pure, no I/O,
 * no clock; time comes from the item's `firstcreated`).
 *
 * Pipeline per item: text model (paragraphs, junk masked, quotes,
 * sentences) → cue detection per sentence (speech verbs outside quotes) →
 * speaker noun phrase (left, inverted right, shared, relative, pronoun,
 * role noun) → content (that-clause, adjacent quotation, split quote,
 * content-before-cue, colon quote) → nested attribution and outlet chains
 * (via) → continuation quotes → merging (lede restatements, nominal
 * references, content-less cues) → said_at, medium, via inheritance →
 * relations within the item and across the story.
 */
import { contentKey, speakerIdFor, statementId } from '@timeline/events';
import type { DayRange, Medium, RelationType, WireItem } from '@timeline/events';
import type { ExtractedRelation, ExtractedStatement, ExtractionContext, ExtractionResult, KnownStatement } from './types';
import { buildTextModel, quoteAt, type Quote, type Sentence, type Span, type TextModel } from './text';
import { LazyTagger } from './nlp';
import { CUE_FORMS, MEDIUM_PATTERNS, NOT_NAME, OBJECT_ONLY_CUES, ORG_HEADS, TITLE_WORDS, RELATION_OF_CUE, STATEMENT_NOUNS, WEAK_CUES } from './lexicon';
import { clearSpeakerMemo, parseSpeaker, SpeakerRegistry, isOutletName, genderOf, type Entity, type ParsedSpeaker } from './speakers';
import { clearDateMemo, findDates, isoDay, itemDayMs, monthIndex, rangeWidth } from './dates';
import { EXTRACTOR } from './version';

interface Cue {
  base: string;
  start: number;
  end: number;
  word: string;
  participle: boolean;
  relative: boolean;
  /** "as the Ledger had reported": a reference, not a statement */
  reference: boolean;
}

interface RelHint {
  type: RelationType;
  /** the object phrase naming the target ("the Herald's account"), or null */
  ref: string | null;
  explicitTarget?: Draft;
  /** names (lower case) of the speaker the ref points at: name, aliases, role, outlet */
  owner?: string[];
  /** found from the statement's own words rather than its cue: needs a target that the text supports */
  weak?: boolean;
  /** a phrase of the target quoted in the statement */
  cited?: string;
  /** taken over from the same speaker's statement just before: points where that one's relation of this type points */
  follow?: Draft;
}

interface Draft {
  entity: Entity;
  cue: string;
  cueStart: number;
  contentSpans: Span[];
  kind: 'direct' | 'indirect' | 'mixed';
  zone: Span[];
  via: string[];
  medium: Medium | null;
  saidAt: DayRange | null;
  dateFromContent: boolean;
  sent: number;
  para: number;
  rel: RelHint[];
  contentless: boolean;
  nominal: boolean;
  continuation: boolean;
  anaphoric: boolean;
  perfect: boolean;
  mentions: Span[];
  dead: boolean;
  content: string;
  /** "dismissed X as Y": a verdict that a following "and said ..." completes */
  asVerdict?: boolean;
}

/** "the Journal overstated …", "The Gazette's story is simply wrong". */
const CALLS_WRONG =
  /(?:^|\b)(?:((?:the\s+)?[A-Z][\p{L}'’-]*(?:\s[A-Z][\p{L}'’-]*){0,3})\s+(?:had\s+|has\s+)?(?:overstated|understated|exaggerated|misrepresented|distorted|misreported|got it wrong)|((?:the\s+)?[A-Z][\p{L}'’-]*(?:\s[A-Z][\p{L}'’-]*){0,3})['’]s?\s+(?:story|report|reporting|account|claim|claims|figures|version)\s+(?:is|was|are|were|had been)\s+(?:simply\s+|completely\s+|totally\s+|just\s+)?(?:wrong|false|untrue|inaccurate|incorrect|misleading|mistaken|speculation))\b/u;
/** Self-correction in a speaker's own words or its attribution. */
const SELF_CORRECT =
  /\b(?:what (?:I|we) said\b|I should have been|we should have been|I misspoke|we misspoke|(?:is|was) not accurate now|revers(?:ed|ing) (?:its|his|her|their) (?:account|position|statement|earlier)|(?:was|were|had been) wrongly|correct(?:ed|ing) (?:its|his|her|their) (?:earlier |previous )?(?:statement|account|figures?|remarks))/i;
/** Withdrawal of one's own earlier claim. */
const SELF_RETRACT = /\b(?:I was wrong|we were wrong|withdr(?:ew|aw|awn|awing) (?:my|our|his|her|its|their) (?:claim|dismissal|remarks?|statement|allegations?|accusations?)|retract(?:ed|ing)? (?:my|our|his|her|its|their))\b/i;
/** "the minister's remarks", "the Echo's reporting", "the mayor's letter": a reference to someone's statement. */
const STATEMENT_REF =
  /\b(?:the\s+)?((?:[A-Z][\p{L}'’.-]*\s+){0,4}[A-Z][\p{L}.-]*|(?:the\s+)?[a-z][\p{L}-]+|my|our|his|her|its|their)['’]s?\s+(?:own\s+|earlier\s+|original\s+|latest\s+)?(?:remarks|comments|claims?|account|story|reporting|report|letter|statement|tweet|post|admission|allegations?|accusations?|denial|findings|figures|version|assertion|assurances?|warning|offer|proposal|promise|pledge)\b/u;
/** Cheap pre-test for {@link STATEMENT_REF}: a possessive of some kind. */
const POSSESSIVE_HINT = /['’]s?\s|\b(?:my|our|his|her|its|their)\s/i;
/** A verdict that the referenced claim is wrong. */
const VERDICT_WRONG =
  /\b(?:(?:is|was|are|were|had been|has been)\s+(?:simply\s+|completely\s+|totally\s+|just\s+|plainly\s+|entirely\s+)?(?:wrong|false|untrue|not true|inaccurate|incorrect|misleading|nonsense|baseless|speculation|fabricated|unfounded|a lie|lies|wishful thinking)|never promised|any suggestion otherwise|there (?:is|was) no such)\b/i;
/** A verdict that the referenced claim is right. */
const VERDICT_RIGHT =
  /\b(?:(?<!not |never |n't )confirm(?:s|ed)? (?:what|that|the|their|its|his|her)|appeared (?:to be )?genuine|(?:were|was|is|are) (?:correct|right|accurate|genuine)\b(?! now)|(?<!would |will |not )welcome[ds]?\b|overdue but welcome|(?:we|I) agree with)/i;
const SUBJECT_VERB_EXCEPT: ReadonlySet<string> = new Set(['familiar', 'speaking', 'based', 'led', 'named', 'known', 'has', 'have', 'had', 'also']);
/** A segment opened by a preposition, connective or time word: a preamble, not a subject (see ItemExtractor.isPreamble). */
const PREAMBLE_OPENER = /^\s*(?:In|On|At|During|After|Before|Speaking|Asked|According|Late|Early|Earlier|Later|Last|Meanwhile|However|But|And|Under|For|With|Without|Like|Unlike|Despite|While|When|Although|As|By|From|Separately|Also|Instead|Elsewhere|Since|Until|Writing|Responding|Answering|Addressing|Interviewed|Standing|Yesterday|Today|Tonight|Overnight|Now|Still|Then|Once|Two|Three|Four|Five)\b/;
const DAY_NAMES = /\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b/i;
/** Words that may be cues: the cue forms, "called/calls (on|for)", "according (to)". */
const CUE_CANDIDATE = new RegExp(`\\b(?:${[...CUE_FORMS.keys(), 'called', 'calls', 'according'].sort((a, b) => b.length - a.length).join('|')})\\b`, 'gi');
const REPORT_NOUN_RE = new RegExp(`\\b(?:${STATEMENT_NOUNS})\\b`, 'i');
const NOMINAL_SPAN = new RegExp(`(?:\\b(?:an?|the)\\s+(?:[a-z]+\\s+)?(?:${STATEMENT_NOUNS})\\s+(?:from|by)\\s+(?:[A-Z][\\p{L}'’.-]*\\s*){1,6}?|[A-Z][\\p{L}.-]*['’]s?\\s+(?:[a-z]+\\s+)?(?:${STATEMENT_NOUNS})\\s+)(?:(?:late |early )?on \\w+day\\s+)?that\\s+[^,;]*`, 'gu');
/** Cheap pre-test for {@link NOMINAL_SPAN}: every match ends in "that" and a space. */
const NOMINAL_HINT = /that\s/;
const NOMINAL_RES = [
  new RegExp(`\\b(?:an?|the)\\s+(?:[a-z]+\\s+)?(${STATEMENT_NOUNS})\\s+(?:from|by)\\s+((?:[A-Z][\\p{L}'’.-]*\\s*){1,6}?)\\s*((?:(?:late |early )?on \\w+day\\s+)?)that\\s+`, 'gu'),
  new RegExp(`((?:[A-Z][\\p{L}'’.-]*\\s){0,5}[A-Z][\\p{L}.-]*)['’]s?\\s+(?:[a-z]+\\s+)?(${STATEMENT_NOUNS})\\s+((?:(?:late |early )?on \\w+day\\s+)?)that\\s+`, 'gu'),
];
const NOMINAL_IN = new RegExp(`((?:[A-Z][\\p{L}'’.-]*\\s){0,5}[A-Z][\\p{L}.-]*)['’]s?\\s+(?:[a-z]+\\s+)?(${STATEMENT_NOUNS})\\b(\\s+(?:(?:late |early )?on \\w+day\\s*)?)(that\\s+)?`, 'u');
const REFERENCE_OBJECT = new RegExp(
  `^(?:the|a|an|his|her|its|their|that|this|these|those|[A-Z][\\p{L}'’-]*(?:\\s[A-Z][\\p{L}'’-]*)*['’]s?)?\\s*(?:[\\p{L}'’-]+\\s+){0,3}(?:${STATEMENT_NOUNS}|protest|lawsuit|reports|figures|account|story|version|accusation|accusations|allegations|charge|charges|idea|suggestion|findings|remark|proposal|offer)\\b`,
  'iu',
);

/** "which calls itself X", "known as X", "calling itself X": the name that follows is the speaker's. */
const NAMING_CLAUSE = /^(?:(?:which|who|that)\s+(?:calls|called|call)\s+(?:itself|himself|herself|themselves)|calling\s+(?:itself|himself|herself|themselves)|(?:also\s+)?(?:known|named)\s+as|named)\s+/i;
/** Role nouns of organisations and collectives ("the group", "the country's largest operator"). */
const ORG_ROLE_HEAD = /^(?:group|company|firm|operator|organi[sz]ation|collective|network|gang|movement|party|association|union|agency|authority|regulator|insurer|lender|bank|retailer|carrier|airline|maker|manufacturer|producer|provider|supplier|developer|publisher|charity|coalition|alliance|collective|crew|club|team|consortium|conglomerate|broadcaster|newspaper|insurer|bank)s?$/i;
/** Words that weigh two conflicting claims at once. */
const BOTH_SIDES = /\b(?:both|neither)\s+(?:(?:sets|set|kinds|pairs)\s+of\s+|of\s+the(?:ir|se)?\s+|sides['’]\s+)?(?:figures|accounts|claims|versions|statements|readings|numbers|stories|estimates|measurements|arguments)\b.{0,40}?\b(?:accurate|right|correct|true|wrong|valid|consistent|misleading|complete|incomplete|credible|plausible)\b/i;
/** Words that set a cited phrase against what is now known ("Now we know there was plenty"). */
const CONTRARY = /\b(?:now we know|in fact|actually|turned out|was not true|wasn't true|not true|false|untrue|wrong|plenty|misled|misleading|lied)\b/i;
/** A relative clause closing a role: not part of the role. */
const ROLE_RELATIVE = /\s+(?:who|whom|whose|which|that)\b.*$/i;
const NEEDS_COLLAPSE = /[^\S ]| {2}/;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const NONE_SET: ReadonlySet<string> = new Set();
/** Two to four capitalised words (particles allowed inside): a full name candidate. */
const FULL_NAME_RUN = /(\p{Lu}[\p{L}'’-]+(?:\s+(?:(?:de|da|di|du|del|der|den|van|von|al|el|la|le)\s+)*\p{Lu}[\p{L}'’-]+){1,3})/gu;
/** A bracketed acronym somewhere in the text. */
const ACRONYM_HINT = /\([A-Z]{2,6}\)/;
/** One to three capitalised words ending the text, each followed by a space: the words before a surname. */
const FIRST_NAMES_BEFORE = /((?:\p{Lu}[\p{L}'’.-]*\s){1,3})$/u;
const DAY_MS = 86_400_000;

function collapse(s: string): string {
  // most strings have single plain spaces only: then trimming is all there is to do
  return NEEDS_COLLAPSE.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
}

const tokenCache = new Map<string, string[]>();

function tokens(s: string): string[] {
  const hit = tokenCache.get(s);
  if (hit) return hit;
  if (tokenCache.size > 4096) tokenCache.clear();
  const t = tokensOf(s);
  tokenCache.set(s, t);
  return t;
}

/** Lower-case word tokens (letters, digits, underscore) of a text; apostrophes of either kind split words. */
function tokensOf(s: string): string[] {
  const l = s.toLowerCase();
  // ASCII text (most of it): [a-z0-9_] are all the token characters there, and a non-Unicode regex finds them faster
  return (NON_ASCII.test(l) ? l.match(/[\p{L}\p{N}_]+/gu) : l.match(/[a-z0-9_]+/g)) ?? [];
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The run of lower-case letters and hyphens ending `s` before any trailing
 * whitespace, or '' (what `/([\p{Ll}-]+)\s*$/u` captures, found by one scan
 * from the end instead of a match tried at every offset).
 */
function lastLowerRun(s: string): string {
  const t = s.trimEnd();
  let i = t.length;
  while (i > 0) {
    const c = t.charCodeAt(i - 1);
    if (c === 45 || (c >= 97 && c <= 122)) {
      i--;
      continue;
    }
    if (c < 128) break;
    // a non-ASCII code point (a low surrogate ends a pair of two units)
    const cp = c >= 0xdc00 && c <= 0xdfff && i >= 2 ? t.slice(i - 2, i) : t[i - 1];
    if (!LOWER_LETTER.test(cp)) break;
    i -= cp.length;
  }
  return t.slice(i);
}

const LOWER_LETTER = /^\p{Ll}$/u;

/** The token multiset of a text, for repeated pairwise {@link bagF1}. */
function tokenBag(s: string): { n: number; counts: Map<string, number> } {
  const t = tokens(s);
  const counts = new Map<string, number>();
  for (const w of t) counts.set(w, (counts.get(w) ?? 0) + 1);
  return { n: t.length, counts };
}

/** {@link tokenF1} over two precomputed token bags (same figure, no per-pair allocation). */
function bagF1(a: { n: number; counts: Map<string, number> }, b: { n: number; counts: Map<string, number> }): number {
  if (!a.n || !b.n) return 0;
  const [small, large] = a.counts.size <= b.counts.size ? [a.counts, b.counts] : [b.counts, a.counts];
  let common = 0;
  for (const [w, k] of small) {
    const l = large.get(w);
    if (l) common += Math.min(k, l);
  }
  if (!common) return 0;
  const p = common / a.n;
  const r = common / b.n;
  return (2 * p * r) / (p + r);
}

/** Token-overlap F1 of two texts (as the corpus scorer computes it). */
export function tokenF1(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  if (!ta.length || !tb.length) return 0;
  const ca = new Map<string, number>();
  for (const t of ta) ca.set(t, (ca.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of tb) {
    const n = ca.get(t) ?? 0;
    if (n > 0) {
      common++;
      ca.set(t, n - 1);
    }
  }
  if (!common) return 0;
  const p = common / ta.length;
  const r = common / tb.length;
  return (2 * p * r) / (p + r);
}

class ItemExtractor {
  readonly tm: TextModel;
  readonly tg: LazyTagger;
  readonly reg: SpeakerRegistry;
  /** The day relative dates count from: the dateline's local date when it is a day off the UTC day, else the UTC day of `firstcreated`. */
  readonly itemDay: number;
  /** UTC day (midnight ms) of `firstcreated`. */
  readonly utcDay: number;
  readonly drafts: Draft[] = [];
  readonly outlets = new Set<string>();
  readonly agency: string | null;
  /** per sentence: via names of "X reported" / "according to X" (outlets) */
  private sentenceVia = new Map<number, string[]>();

  constructor(
    readonly item: WireItem,
    readonly ctx: ExtractionContext,
  ) {
    this.tm = buildTextModel(item.body_text, item.headline ?? '');
    this.tg = new LazyTagger(this.tm.masked, this.tm.sentences);
    this.reg = new SpeakerRegistry(ctx.knownSpeakers);
    this.utcDay = itemDayMs(item.firstcreated);
    this.itemDay = this.datelineDay() ?? this.utcDay;
    this.agency = this.tm.agency ?? (/\(([^)]+)\)/.exec(item.byline ?? '')?.[1] ?? null);
    this.collectOutlets();
  }

  /**
   * The dateline's local date ("WELLINGTON, March 14 (Agency) -") when it is
   * the day before or after the UTC day of `firstcreated` (a story filed in
   * a time zone ahead of or behind UTC): "on Friday" then counts from the
   * local day. Null when there is no dated dateline or it agrees with UTC.
   */
  private datelineDay(): number | null {
    const p0 = this.tm.paragraphs[0];
    if (!p0 || !this.tm.datelineEnd) return null;
    const x = /,\s*([A-Z][a-z]{2,9})\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?\s*\(/.exec(this.tm.masked.slice(p0.start, this.tm.datelineEnd));
    if (!x) return null;
    const mon = monthIndex(x[1]);
    if (mon < 0) return null;
    const ms = Date.UTC(x[3] ? Number(x[3]) : new Date(this.utcDay).getUTCFullYear(), mon, Number(x[2]));
    return Math.abs(ms - this.utcDay) === DAY_MS ? ms : null;
  }

  /**
   * A range of local days (dateline time zone) as UTC days: a local day ahead
   * of UTC began the UTC day before; one behind UTC ends the UTC day after.
   * Never after the item's own UTC day.
   */
  private toUtcRange(r: DayRange | null): DayRange | null {
    if (!r || this.itemDay === this.utcDay) return r;
    const shift = (d: string | null, by: number) => (d === null ? null : isoDay(Date.parse(d + 'T00:00:00Z') + by));
    const ahead = this.itemDay > this.utcDay;
    const from = ahead ? shift(r.from, -DAY_MS) : r.from;
    let to = ahead ? r.to : shift(r.to, DAY_MS);
    if (to !== null && to > isoDay(this.utcDay)) to = isoDay(this.utcDay);
    return { from, to };
  }

  private collectOutlets(): void {
    const m = this.tm.masked;
    const re = /\b(?:broadcaster|newspaper|news site|news website|website|outlet|magazine|channel|station|daily|weekly|tabloid|news agency|agency|television|radio)\s+((?:[A-Z][\p{L}'’&.-]*\s?){1,5})/gu;
    let x: RegExpExecArray | null;
    while ((x = re.exec(m))) this.outlets.add(collapse(x[1]).replace(/['’]s$/, '').toLowerCase());
    const acr = /((?:[A-Z][\p{L}'’&.-]*\s){1,5})\(([A-Z]{2,6})\)/gu;
    // only texts with a bracketed acronym ("Kessaly Public Television (KPT)") need the scan
    if (ACRONYM_HINT.test(m)) while ((x = acr.exec(m))) {
      const full = collapse(x[1]);
      if (isOutletName(full) || this.outlets.has(full.toLowerCase())) this.outlets.add(x[2].toLowerCase());
    }
  }

  isOutlet(name: string): boolean {
    const l = name.toLowerCase().replace(/^the\s+/, '');
    if (this.agency && l === this.agency.toLowerCase()) return true;
    if (this.outlets.has(l)) return true;
    for (const o of this.outlets) if (o.endsWith(' ' + l) || l.endsWith(' ' + o)) return true;
    return isOutletName(name) && /^[A-Z]/.test(name.replace(/^the\s+/i, ''));
  }

  isAgency(name: string): boolean {
    return !!this.agency && name.toLowerCase().replace(/^the\s+/, '') === this.agency.toLowerCase();
  }

  inQuote(pos: number): boolean {
    return quoteAt(this.tm.quotes, pos) >= 0;
  }

  /** Quotations starting in [a, b), in order (binary search: quotes are sorted by start). */
  quotesIn(a: number, b: number): Quote[] {
    const qs = this.tm.quotes;
    let lo = 0;
    let hi = qs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (qs[mid].start < a) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < qs.length && qs[end].start < b) end++;
    return qs.slice(lo, end);
  }

  /** Paragraph index → 'q' | 'a' for the question and answer paragraphs of a Q&A transcript ("Q: …", "A: …"). */
  private readonly qaParas = new Map<number, 'q' | 'a'>();

  run(): Draft[] {
    const m = this.tm.masked;
    for (const p of this.tm.paragraphs) {
      const x = QA_LINE.exec(m.slice(p.start, p.end));
      if (x) this.qaParas.set(p.index, /^q/i.test(x[1]) ? 'q' : 'a');
    }
    // a transcript needs both questions and answers; a lone "A:" is something else
    const kinds = new Set(this.qaParas.values());
    if (kinds.size < 2) this.qaParas.clear();
    if (!this.qaParas.size) this.dashTranscript();
    for (const s of this.tm.sentences) if (!this.qaParas.has(s.para)) this.sentence(s);
    this.qaAnswers();
    this.transcriptLines();
    this.postProcess();
    return this.drafts.filter((d) => !d.dead);
  }

  // ---------------------------------------------------------------- cues
  private findCues(s: Sentence): Cue[] {
    const m = this.tm.masked;
    const text = m.slice(s.start, s.end);
    const out: Cue[] = [];
    // only the words that can be cues are visited; their neighbours are read from the text around them
    const re = CUE_CANDIDATE;
    re.lastIndex = 0;
    let x: RegExpExecArray | null;
    let nominalSpans: Span[] | null = null;
    while ((x = re.exec(text))) {
      const w = x[0];
      const i = s.start + x.index;
      if (this.inQuote(i)) continue;
      if (!nominalSpans) {
        nominalSpans = [];
        // every nominal span holds a statement noun and "that" before a space: most sentences have neither
        if (NOMINAL_HINT.test(text) && REPORT_NOUN_RE.test(text)) {
          const nre = NOMINAL_SPAN;
          nre.lastIndex = 0;
          let nx: RegExpExecArray | null;
          while ((nx = nre.exec(text))) nominalSpans.push({ start: s.start + nx.index, end: s.start + nx.index + nx[0].length });
        }
      }
      if (nominalSpans.some((sp) => i >= sp.start && i < sp.end)) continue;
      const lw = w.toLowerCase();
      let base = CUE_FORMS.get(lw);
      let end = i + w.length;
      const nextWord = /^[^A-Za-z]*?([A-Za-z]+)/.exec(m.slice(end, Math.min(s.end, end + 24)));
      if (!base && (lw === 'called' || lw === 'calls') && nextWord && /^\s+(?:on|for)$/i.test(nextWord[0])) {
        base = 'call';
        end = end + nextWord.index + nextWord[0].length;
      }
      if (!base && lw === 'according' && nextWord && /^\s+to$/i.test(nextWord[0])) {
        base = 'according';
        end = end + nextWord[0].length;
      }
      if (!base) continue;
      const prevWords = (m.slice(Math.max(s.start, i - 48), i).match(/[A-Za-z]+(?:n't)?/g) ?? []).slice(-3);
      const prev = prevWords.map((p) => p.toLowerCase());
      const p1 = prev[prev.length - 1] ?? '';
      const p2 = prev.slice(-2).join(' ');
      if (base !== 'according') {
        if (/^(?:to|not|never|would|could|might|may|will|should|must|cannot|can|what|whom)$/.test(p1) || /n't$/.test(p1)) continue;
        // a passive ("had not been told", "was said to be"): nobody speaks here
        if (/^(?:been|being|be|was|were|is|are|get|got|gets)$/.test(p1) && !/ing$/.test(lw)) continue;
        if (/^(?:declined to|refused to|did not|does not|do not|has not|have not|had not|could not|would not|was not|were not)$/.test(p2)) continue;
        // a negative subject ("nobody from the board had warned them"): nobody spoke
        if (/\b(?:nobody|no one|none of|neither)\b[^,.;:"“”]{0,60}$/i.test(m.slice(Math.max(s.start, i - 70), i))) continue;
        // a counterfactual or a conjecture ("would have said", "may have told"): nothing was said
        if (/^(?:would|could|might|may|must|should|will) have$/.test(p2)) continue;
        const after = m.slice(end, end + 6);
        if (/^\s+by\b/.test(after)) continue; // passive participle
        if (/^\s+(?:as|like)\b/.test(after) && !RELATION_OF_CUE[base]) continue;
        // inside an "Asked whether ..." or "whether ..." clause without a comma in between
        const before = m.slice(s.start, i);
        const wh = Math.max(before.lastIndexOf('whether '), before.search(/\bAsked\b/) >= 0 ? before.search(/\bAsked\b/) : -1, before.lastIndexOf(' if '));
        if (wh >= 0 && !before.slice(wh).includes(',')) continue;
        // a noun, not a verb ("the report", "a post", "his claim")
        if (/^(?:reports|claims|posts|states|notes|counters|tweets|demands|promises|pledges|estimates|remarks|comments|charges)$/.test(lw) && /^(?:the|a|an|his|her|its|their|of|in|on|new|many|these|those|two|several)$/.test(p1)) continue;
        if (/^(?:claim|post|report|tweet|state|note)$/.test(lw)) continue;
        const participle = /ing$/.test(lw);
        if (participle && !/,\s*$/.test(m.slice(Math.max(s.start, i - 3), i))) continue;
        const relative = /^(?:who|which)$/.test(p1) || /^(?:who|which) (?:has|had|also|have)$/.test(p2);
        out.push({ base, start: i, end, word: lw, participle, relative, reference: false });
      } else {
        out.push({ base, start: i, end, word: 'according to', participle: false, relative: false, reference: false });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- speaker
  private resolveParsed(p: ParsedSpeaker, pos: number): { entity: Entity; anaphoric: boolean } | null {
    if (p.kind === 'pronoun') {
      const e = this.reg.resolvePronoun(p.pronoun!, pos) ?? (p.pronoun === 'he' || p.pronoun === 'she' ? this.mentionedPerson(p.pronoun, pos) : null);
      if (!e) return null;
      this.reg.touch(e, pos);
      return { entity: e, anaphoric: true };
    }
    if (p.kind === 'description') {
      if (p.type === 'anonymous' || p.type === 'group') return { entity: this.reg.registerDescription(p, pos), anaphoric: false };
      // "the 62-year-old": the person named earlier with that age in apposition ("Henrik Solberg, 62,")
      const age = /^(\d{1,3})-year-old$/.exec(p.name);
      if (age) {
        const re = new RegExp(`((?:\\p{Lu}[\\p{L}'’.-]*\\s+){0,3}\\p{Lu}[\\p{L}'’.-]*),\\s*(?:aged\\s+)?${age[1]}\\s*[,)]`, 'gu');
        let named: ParsedSpeaker | null = null;
        for (const x of this.tm.masked.slice(0, pos).matchAll(re)) {
          const c = parseSpeaker(x[1]);
          if (c && c.kind === 'name' && c.type === 'person') named = c;
        }
        if (named) {
          const e = this.reg.resolveName(named, pos);
          return { entity: e, anaphoric: true };
        }
      }
      const e = this.reg.resolveDescription(p, pos);
      if (e) {
        this.reg.touch(e, pos);
        return { entity: e, anaphoric: true };
      }
      // an unresolved role noun: keep the description ("the mayor")
      if (/^(?:statement|post|letter|report|filing|video)$/.test(p.head ?? '')) return null;
      return { entity: this.reg.registerDescription(p, pos), anaphoric: false };
    }
    const e = this.reg.resolveName(this.fullNameOf(p, pos), pos);
    return { entity: e, anaphoric: false };
  }

  /**
   * Speakers kept as a bare role noun ("the prosecutor") whose holder the
   * item names later, in apposition ("The prosecutor, Valentina Roos, was
   * appointed …") or as a title ("Prosecutor Valentina Roos"): the statements
   * become that person's, the role noun their role.
   */
  private nameLaterHolders(drafts: Draft[]): void {
    const m = this.tm.masked;
    const done = new Map<Entity, Entity | null>();
    for (const d of drafts) {
      const e = d.entity;
      if (e.type !== 'person' || e.fromStory || !/^[a-z][a-z -]{2,40}$/.test(e.name) || !TITLE_WORDS.has(e.name.split(' ').pop()!)) continue;
      if (!done.has(e)) {
        const role = e.name.replace(/[^a-z -]/g, '');
        const re = new RegExp(`\\b(?:[Tt]he\\s+${role}\\s*,\\s*|${role[0].toUpperCase()}${role.slice(1)}\\s+)((?:\\p{Lu}[\\p{L}'’-]+\\s+){1,2}\\p{Lu}[\\p{L}'’-]+)`, 'gu');
        let holder: Entity | null = null;
        for (const x of m.matchAll(re)) {
          if (this.inQuote(x.index)) continue;
          const p = parseSpeaker(x[1]);
          if (p && p.kind === 'name' && p.type === 'person' && p.name.includes(' ')) {
            holder = this.reg.resolveName({ ...p, role: p.role ?? role }, x.index);
            break;
          }
        }
        done.set(e, holder);
      }
      const h = done.get(e);
      if (h) {
        if (!h.role) h.role = e.name;
        d.entity = h;
      }
    }
  }

  /**
   * "He" / "she" when no speaker or sentence subject agrees: the person most
   * recently mentioned anywhere before `pos` (by full name, or by surname
   * after the full name), whose known gender does not disagree — "named
   * Marco Zammit as her deputy. Zammit, 44, was … He said …" is Zammit.
   * Registers that person. Null when nobody fits.
   */
  private mentionedPerson(pronoun: string, pos: number): Entity | null {
    const g = pronoun === 'he' ? 'm' : 'f';
    const before = this.tm.masked.slice(0, pos);
    let best: { name: ParsedSpeaker; at: number } | null = null;
    for (const x of before.matchAll(FULL_NAME_RUN)) {
      if (this.inQuote(x.index)) continue;
      const c = parseSpeaker(x[1]);
      if (!c || c.kind !== 'name' || c.type !== 'person' || !c.name.includes(' ')) continue;
      const known = this.reg.entities.find((e) => e.name === c.name);
      if (known?.gender && known.gender !== g) continue;
      // its last mention: the full name or the surname alone
      const sur = c.name.split(/\s+/).pop()!;
      const at = Math.max(x.index, before.lastIndexOf(sur));
      if (!best || at > best.at) best = { name: c, at };
    }
    if (!best) return null;
    const e = this.reg.resolveName(best.name, best.at);
    if (e.gender && e.gender !== g) return null;
    return e;
  }

  /**
   * A bare surname ("Faulk rejected the claim") whose bearer the story named
   * in full earlier in the text, though not as a speaker ("... that Desmond
   * Faulk, who chairs the committee, had ..."): the full name.
   */
  private readonly fullNames = new Map<string, Array<[number, string]>>();

  private fullNameOf(p: ParsedSpeaker, pos: number): ParsedSpeaker {
    if (p.kind !== 'name' || p.name.includes(' ') || p.name.length < 3 || this.reg.knows(p.name) || this.isOutlet(p.name)) return p;
    let found = this.fullNames.get(p.name);
    if (!found) {
      // every full name ending in the surname, found once per item: [offset, name]
      found = [];
      const bare = p.name.replace(/[^\p{L}'’-]/gu, '');
      const text = this.tm.masked;
      // each occurrence of the surname (found by indexOf, no regex over the whole text) and the capitalised words before it
      for (let i = bare ? text.indexOf(bare) : -1; i >= 0; i = text.indexOf(bare, i + 1)) {
        const end = i + bare.length;
        if (WORD_CHAR.test(text[end] ?? '') || i === 0 || !/\s/.test(text[i - 1])) continue;
        const run = FIRST_NAMES_BEFORE.exec(text.slice(Math.max(0, i - 80), i));
        if (!run) continue;
        const cand = parseSpeaker(run[1] + bare);
        if (cand && cand.kind === 'name' && cand.type === 'person' && cand.name.endsWith(' ' + p.name)) found.push([end, cand.name]);
      }
      this.fullNames.set(p.name, found);
    }
    let full: string | null = null;
    for (const [end, name] of found) if (end <= pos) full = name;
    return full ? { ...p, name: full, type: 'person' } : p;
  }

  /** Split on commas outside quotations. Returns [start, end) absolute spans. */
  private segments(a: number, b: number): Span[] {
    const m = this.tm.masked;
    const out: Span[] = [];
    let st = a;
    let depth = 0;
    for (let i = a; i < b; i++) {
      const c = m[i];
      if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      else if ((c === ',' || c === ';') && depth === 0 && !this.inQuote(i)) {
        out.push({ start: st, end: i });
        st = i + 1;
      }
    }
    out.push({ start: st, end: b });
    return out;
  }

  private cleanNP(a: number, b: number): string {
    let t = this.tm.masked.slice(a, b);
    t = t.replace(/\([^)]*\)/g, ' ').replace(/\s[–—-]\s[^–—]*\s[–—-]\s/g, ' ');
    t = collapse(t);
    // trailing adverbials and auxiliaries
    for (let k = 0; k < 4; k++) {
      const before = t;
      t = t
        .replace(/\s+(?:late |early |later |earlier )?(?:on |last |this )?(?:mon|tues|wednes|thurs|fri|satur|sun)day(?: (?:morning|afternoon|evening|night))?$/i, '')
        .replace(/\s+(?:this|last) (?:week|month|year)$/i, '')
        .replace(/\s+(?:yesterday|today|tonight|earlier|later|also|previously|repeatedly|again|then|separately|reportedly|publicly|privately|first|once|had|has|have|was|were|is|are|would|will|himself|herself|itself|still|already|subsequently|immediately|quickly|later in the day|on \w+|in \w+)$/i, '')
        .replace(/\s+(?:in|on|at) (?:a|an|the) [\w' -]+$/i, (mm) => (/\b(?:statement|interview|conference|post|letter|rally|meeting|address|speech|video|filing)\b/i.test(mm) ? '' : mm));
      if (t === before) break;
    }
    return collapse(t.replace(/^(?:and|but|so|then|meanwhile|however|also)\s+/i, ''));
  }

  private isPreamble(t: string): boolean {
    if (PREAMBLE_OPENER.test(t)) return true;
    const words = t.split(/\s+/);
    return words.length <= 4 && DAY_NAMES.test(words.slice(0, 3).join(' '));
  }

  /**
   * Subject of a cue from the text on its left ([a, cueStart)): appositive
   * structures ("Jonas Lind, the authority's operations director, said"),
   * preambles ("In a statement on Monday, the ministry said"), relative
   * clauses ("Brecken, who said ..."). Returns the subject span text and role.
   */
  private leftSubject(a: number, cueStart: number, relative: boolean): { np: string; role: string | null; npStart: number; contentBefore: Span | null; type?: 'organization' } | null {
    const m = this.tm.masked;
    let L = m.slice(a, cueStart);
    if (!L.trim()) return null;
    // dash parentheticals
    const segs = this.segments(a, cueStart).filter((sp) => m.slice(sp.start, sp.end).trim().length > 0 || sp.end === cueStart);
    const trimmedEndsComma = /,\s*$/.test(L.replace(/\s[–—]\s[^–—]*\s[–—]\s*$/, ','));
    if (relative) {
      // "X, who said" / "X who said": the antecedent is the segment before "who"
      const all = this.segments(a, cueStart);
      const lastSeg = all[all.length - 1];
      const lt = m.slice(lastSeg.start, lastSeg.end);
      const idx = lt.search(/\b(?:who|which)\b/);
      let antecedent: Span;
      if (idx > 0 && lt.slice(0, idx).trim()) antecedent = { start: lastSeg.start, end: lastSeg.start + idx };
      else if (all.length >= 2) antecedent = all[all.length - 2];
      else return null;
      // antecedent may itself be "role, Name"
      const np = this.cleanNP(antecedent.start, antecedent.end);
      return { np, role: null, npStart: antecedent.start, contentBefore: null };
    }
    if (trimmedEndsComma || /\s[–—]\s*$/.test(L)) {
      // appositive: the subject is the first non-preamble segment
      const nonEmpty = segs.filter((sp) => m.slice(sp.start, sp.end).trim().length > 0);
      let i = 0;
      while (i < nonEmpty.length - 1 && this.isPreamble(m.slice(nonEmpty[i].start, nonEmpty[i].end))) i++;
      const subj = nonEmpty[i];
      if (!subj) return null;
      let subjText = m.slice(subj.start, subj.end);
      // "Maren Lind – known as ... –" dash appositive inside the segment
      subjText = subjText.replace(/\s[–—]\s.*$/, '');
      const np = this.cleanNP(subj.start, subj.start + subjText.length);
      const next = nonEmpty[i + 1];
      let role: string | null = null;
      if (next) {
        const rt = collapse(m.slice(next.start, next.end));
        // a role ends where a relative clause begins ("an independent researcher who has tracked the group since 2023")
        if (/^(?:the|a|an|its|his|her|their)\b/i.test(rt) && !/^(?:who|which)\b/i.test(rt) && rt.split(/\s+/).length <= 12) role = rt.replace(/^(?:the|a|an)\s+/i, '').replace(ROLE_RELATIVE, '');
        else if (/^[a-z]/.test(rt) && /\b(?:secretary|director|minister|spokes|chief|head|president|lawyer|officer|chair|manager|editor|leader|founder|member)\w*/i.test(rt) && !/^(?:who|which)\b/.test(rt)) role = rt;
        // "the union's general secretary, Maren Lind, declined": role first, then name;
        // "The group, which calls itself NightKettle, said" / "the country's largest operator, Acme Mobile, said"
        const naming = NAMING_CLAUSE.exec(rt);
        const nameText = naming ? rt.slice(naming[0].length) : rt;
        const p1 = parseSpeaker(np);
        const p2 = parseSpeaker(nameText);
        const roleLike = (p1 && p1.kind === 'description') || (!p1 && /^[\p{L}'’ -]+$/u.test(np) && np.split(/\s+/).length <= 6 && !this.tg.hasVerb(subj.start, subj.start + subjText.length));
        if (roleLike && p2 && p2.kind === 'name' && (p2.type === 'person' || naming || /^(?:the\s+)?[\p{Ll}]/u.test(np) || /['’]s?\s/.test(np))) {
          // the role's head noun names an organisation ("the collective", "the country's largest lender"), not a post held in one ("the union's general secretary")
          const roleHead = /([\p{L}-]+)\s*$/u.exec(np)?.[1] ?? '';
          const orgHead = ORG_ROLE_HEAD.test(roleHead) || ((p1?.type === 'organization' || p1?.type === 'group') && !TITLE_WORDS.has(roleHead.toLowerCase()));
          return { np: nameText, role: np.replace(/^(?:the|a|an)\s+/i, ''), npStart: next.start, contentBefore: null, type: orgHead ? 'organization' : undefined };
        }
      }
      return { np, role, npStart: subj.start, contentBefore: null };
    }
    const last = segs[segs.length - 1];
    let lastText = m.slice(last.start, cueStart);
    // dash appositive before the cue: "Maren Lind – known ... – said"
    lastText = lastText.replace(/\s[–—]\s[^–—]*\s[–—]\s*$/, ' ');
    const np = this.cleanNP(last.start, last.start + lastText.length);
    let contentBefore: Span | null = null;
    if (segs.length >= 2) {
      // content before the cue ("About 180,000 tins are affected, it said")
      let i = 0;
      while (i < segs.length - 1 && this.isPreamble(m.slice(segs[i].start, segs[i].end)) && !this.inQuote(segs[i].start + 1)) i++;
      if (i < segs.length - 1) contentBefore = { start: segs[i].start, end: segs[segs.length - 2].end };
    }
    return { np, role: null, npStart: last.start, contentBefore };
  }

  /**
   * The clause before an inverted cue without quotation marks ("The port will
   * stay shut for a week, said …", "— The board knew, replied …"): the text
   * from the first non-preamble segment to the comma, when it holds a verb
   * (a clause, not an appositive name). Null otherwise.
   */
  private invertedClause(a: number, cueStart: number): Span | null {
    const m = this.tm.masked;
    const segs = this.segments(a, cueStart).filter((sp) => m.slice(sp.start, sp.end).trim().length > 0);
    if (!segs.length) return null;
    let i = 0;
    while (i < segs.length - 1 && this.isPreamble(m.slice(segs[i].start, segs[i].end))) i++;
    let start = segs[i].start;
    const end = segs[segs.length - 1].end;
    const lead = /^[\s—–-]*/.exec(m.slice(start, end))![0];
    start += lead.length;
    const words = m.slice(start, end).trim().split(/\s+/);
    if (words.length < 3) return null;
    // the first segment must be a clause of its own ("Strand, who raised it, said …" is a subject with a relative clause)
    const firstEnd = segs[i].end;
    if (/^\s*(?:who|which|whose)\b/i.test(m.slice(segs[Math.min(i + 1, segs.length - 1)].start, end)) && i + 1 < segs.length) return null;
    if (!FINITE_AUX.test(m.slice(start, firstEnd)) && !this.tg.hasVerb(start, firstEnd, NONE_SET, true)) return null;
    return { start, end };
  }

  /** Subject after an inverted cue: `“…,” said the minister` / `said Nadia Fairbrother, the lawyer for …`. */
  private rightSubject(cueEnd: number, sentEnd: number): { np: string; role: string | null; end: number } | null {
    const m = this.tm.masked;
    const segs = this.segments(cueEnd, sentEnd);
    const first = segs[0];
    // the sentence's closing mark is not part of the phrase ("said the minister on Monday.")
    let firstEnd = first.end;
    while (firstEnd > first.start && /[\s.!?]/.test(m[firstEnd - 1])) firstEnd--;
    const np = this.cleanNP(first.start, firstEnd).replace(/[.!?]+$/, '');
    if (!np || np.split(/\s+/).length > 8) return null;
    if (/^(?:that|on|in|at|to|by|it was|the (?:government|authority) (?:had|would|was))\b/i.test(np)) return null;
    // capitalised words inside the phrase are names the tagger may take for verbs ("said Labour Minister ...")
    if (this.tg.hasVerb(first.start, first.end, NONE_SET, true)) return null;
    let role: string | null = null;
    let end = first.end;
    if (segs[1]) {
      const rt = collapse(m.slice(segs[1].start, segs[1].end)).replace(/[.!?]+$/, '');
      if (/^(?:the|a|an)\b/i.test(rt) && !/^(?:the|a|an)\s+\w+\s+(?:said|told)/i.test(rt)) {
        role = rt.replace(/^(?:the|a|an)\s+/i, '');
        end = segs[1].end;
      } else if (/^\p{Ll}/u.test(rt) && rt.split(/\s+/).length <= 10 && TITLE_WORDS.has(/^[\p{L}-]+/u.exec(rt)?.[0].toLowerCase() ?? '') && !/\b(?:said|told|added|had|has|was|were|is|are|would|will)\b/.test(rt)) {
        // "said Jana Novak, chief financial officer at Orbis Freight": a post without an article
        role = rt;
        end = segs[1].end;
      } else if (/^(?:the|a|an|its|his|her|their)\s/i.test(np) && rt.split(/\s+/).length <= 5) {
        // "said the harbour master, Jens Okkels": a role, then the name in apposition
        const p2 = parseSpeaker(rt);
        if (p2 && p2.kind === 'name' && p2.type === 'person' && p2.name.includes(' ') && /^\s*[.!?]?\s*$/.test(m.slice(segs[1].end, sentEnd))) {
          return { np: rt, role: np.replace(/^(?:the|a|an)\s+/i, ''), end: segs[1].end };
        }
      }
    }
    return { np, role, end };
  }

  // ---------------------------------------------------------------- content
  /** Where the content of a cue begins: after its object and adverbials and an optional "that". */
  private contentStartAfter(cue: Cue, limit: number): { start: number; colonQuote: Quote | null; hasThat: boolean } {
    const m = this.tm.masked;
    const windowEnd = Math.min(limit, cue.end + 160);
    const rest = m.slice(cue.end, windowEnd);
    // colon or comma + quotation
    const cq = /^[^"“«.;]*?[:,]\s*(["“«‘'])/.exec(rest);
    if (cq) {
      const pos = cue.end + cq[0].length - 1;
      const qi = quoteAt(this.tm.quotes, pos);
      if (qi >= 0 && this.tm.quotes[qi].start === pos) {
        const between = m.slice(cue.end, pos);
        if (!/\bthat\b/.test(between) && !this.tg.hasVerb(cue.end, pos, new Set(['speaking']))) return { start: pos, colonQuote: this.tm.quotes[qi], hasThat: false };
      }
    }
    const th = /\bthat\b/.exec(rest);
    if (th) {
      const at = cue.end + th.index;
      if (!this.inQuote(at) && !this.tg.hasVerb(cue.end, at, new Set(['citing', 'speaking'])) && !/[.;]/.test(m.slice(cue.end, at)) && m.slice(cue.end, at).split(/\s+/).length <= 16) {
        return { start: at + 4, colonQuote: null, hasThat: true };
      }
    }
    // colon + plain text
    const colon = /^[^.;"“]{0,80}?:\s+/.exec(rest);
    if (colon && !this.tg.hasVerb(cue.end, cue.end + colon.index)) return { start: cue.end + colon[0].length, colonQuote: null, hasThat: true };
    // skip adverbials right after the cue
    let p = cue.end;
    const adv =
      /^\s*,?\s*(?:(?:late |early |later |earlier )?(?:on |last |this )?(?:mon|tues|wednes|thurs|fri|satur|sun)day(?: (?:morning|afternoon|evening|night))?|this week|last week|yesterday|today|later|earlier|also|again|separately|repeatedly|in (?:a|an|the) (?:[\w'-]+ ){0,3}(?:statement|interview|post|letter|video|filing|briefing|speech|address)(?: (?:on|to|with) [\w' -]+?)?(?=\s(?:that|the|a|an|it|he|she|they|[A-Z0-9])|\s*[.,;:]|\s*$)|on social media|in parliament|by (?:tele)?phone|to reporters)\b,?/i;
    for (let k = 0; k < 4; k++) {
      const mm = adv.exec(m.slice(p, windowEnd));
      if (!mm || mm[0].trim() === '') break;
      p += mm[0].length;
    }
    return { start: p, colonQuote: null, hasThat: false };
  }

  private contentText(spans: Span[]): string {
    // the mark that reopens a quotation on each new paragraph is not content
    const parts = spans.map((sp) => this.tm.masked.slice(sp.start, sp.end).replace(/\n\s*['‘]/g, '\n'));
    let t = collapse(parts.join(' '));
    t = t.replace(/["“”«»„]/g, '').replace(/\s+([,.;:!?])/g, '$1');
    t = t.replace(/^(?:that|,|:)\s+/i, '').replace(/[\s,;:–—-]+$/, '').replace(/^[\s,;:]+/, '');
    return collapse(t);
  }

  private kindOf(spans: Span[]): 'direct' | 'indirect' | 'mixed' {
    let quoted = 0;
    let total = 0;
    const m = this.tm.masked;
    const letters = (a: number, b: number) => {
      let n = 0;
      for (let i = a; i < b; i++) {
        const c = m.charCodeAt(i);
        if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c > 127 && WORD_CHAR.test(m[i]))) n++;
      }
      return n;
    };
    for (const sp of spans) {
      total += letters(sp.start, sp.end);
      for (const q of this.tm.quotes) {
        if (q.end <= sp.start) continue;
        if (q.start >= sp.end) break;
        quoted += letters(Math.max(sp.start, q.start), Math.min(sp.end, q.end));
      }
    }
    if (!total || quoted === 0) return 'indirect';
    return quoted / total > 0.97 ? 'direct' : 'mixed';
  }

  private trimSpan(sp: Span): Span {
    const m = this.tm.masked;
    let a = sp.start;
    let b = sp.end;
    while (a < b && /[\s,;:]/.test(m[a])) a++;
    while (b > a && /[\s,;:.!?–—-]/.test(m[b - 1]) && !this.inQuote(b - 1)) b--;
    return { start: a, end: b };
  }

  /** Cut a content span at markers that end reported speech. */
  private cutContent(sp: Span): { span: Span; adding: Span | null; citing: string | null; despite: Span | null; viaOutlet: string | null } {
    const m = this.tm.masked;
    const text = m.slice(sp.start, sp.end);
    let end = sp.end;
    let adding: Span | null = null;
    let citing: string | null = null;
    let despite: Span | null = null;
    let viaOutlet: string | null = null;
    const re = /,\s*(according to|citing|despite|in contrast to|contrary to|adding|saying|telling [^,]*?|he said|she said|they said|it said|[A-Z][\p{L}'’ ]{1,40} reported)\b/gu;
    let x: RegExpExecArray | null;
    while ((x = re.exec(text))) {
      const at = sp.start + x.index;
      if (this.inQuote(at)) continue;
      const word = x[1].toLowerCase();
      if (word === 'adding') {
        const rest = m.slice(at + x[0].length, sp.end);
        const off = /^\s*that\s+/.exec(rest);
        adding = { start: at + x[0].length + (off ? off[0].length : 0), end: sp.end };
      } else if (word === 'citing') {
        const rest = m.slice(at + x[0].length, sp.end);
        citing = collapse(rest.split(/,/)[0]);
      } else if (word === 'despite' || word === 'in contrast to' || word === 'contrary to') {
        despite = { start: at + x[0].length, end: sp.end };
      } else if (word === 'according to') {
        const rest = m.slice(at + x[0].length, sp.end);
        const who = collapse(rest.split(/[,.;]/)[0]);
        if (this.isOutlet(who)) viaOutlet = who.replace(/^the\s+/i, '');
      } else if (/reported$/.test(word)) {
        const who = collapse(x[1].replace(/\s+reported$/i, ''));
        if (this.isOutlet(who)) viaOutlet = who;
        else continue;
      }
      end = at;
      break;
    }
    return { span: this.trimSpan({ start: sp.start, end }), adding, citing, despite, viaOutlet };
  }

  // ---------------------------------------------------------------- sentence
  private sentence(s: Sentence): void {
    const m = this.tm.masked;
    const cues = this.findCues(s);
    const qs = this.quotesIn(s.start, s.end);
    this.touchSubject(s);
    // "X reported" at the end with an outlet: via for the sentence
    const via: string[] = [];
    const rep = /,\s*((?:the\s+)?[A-Z][\p{L}'’ ]{1,40}?)\s+reported\.?\s*$/u.exec(m.slice(s.start, s.end));
    if (rep && this.isOutlet(rep[1])) via.push(rep[1].replace(/^the\s+/i, ''));
    const acc = /\b[Aa]ccording to ((?:the\s+)?[A-Z][\p{L}'’ ]{1,40}?)(?=[,.;]|$)/gu;
    let ax: RegExpExecArray | null;
    const sText = m.slice(s.start, s.end);
    while ((ax = acc.exec(sText))) if (this.isOutlet(ax[1]) && !this.inQuote(s.start + ax.index)) via.push(ax[1].replace(/^the\s+/i, ''));
    this.sentenceVia.set(s.index, via);

    const sentenceDrafts: Draft[] = [];
    let prevSubject: { entity: Entity; anaphoric: boolean } | null = null;
    let prevCueEnd = this.labelEnd(s);
    let prevDraft: Draft | null = null;
    let prevRelative = false;
    for (let ci = 0; ci < cues.length; ci++) {
      const cue = cues[ci];
      const nextCue = cues[ci + 1];
      if (cue.base === 'according') {
        this.accordingTo(s, cue, cues, sentenceDrafts, via);
        continue;
      }
      // ---- left boundary
      let a = Math.max(s.start, prevCueEnd);
      // a quotation closed before the cue starts the attribution after it (“…,” she said) — not a quoted word inside a reported clause
      for (const q of qs) if (q.end <= cue.start && q.end > a && (/[,.!?…;:]\s*$/.test(m.slice(q.inStart, q.inEnd)) || /^[\s,]*$/.test(m.slice(q.end, cue.start)) || !/,/.test(m.slice(q.end, cue.start)))) a = q.end;
      const leftText = m.slice(a, cue.start);
      let isReference = false;
      {
        // "as the Ostmere Ledger had reported": a reference
        const mm = /\bas\s+((?:the\s+)?[A-Z][\p{L}'’ ]{1,40}?)\s+(?:had\s+|has\s+)?$/u.exec(leftText);
        if (mm && cue.base === 'report') isReference = true;
      }
      const subIdx = leftText.search(/\b(?:after|before|because|while|when|although|though|whereas|until|since|despite|once|unless)\s+(?=(?:the\s+|a\s+|an\s+)?[A-Z])/);
      if (subIdx >= 0 && !/[,;]/.test(leftText.slice(subIdx))) {
        const mm = /\b(?:after|before|because|while|when|although|though|whereas|until|since|despite|once|unless)\s+/.exec(leftText.slice(subIdx))!;
        a = a + subIdx + mm[0].length;
      }
      if (isReference) {
        prevCueEnd = cue.end;
        continue;
      }
      // ---- direct quotation before the cue: “…,” SPEAKER said / “…,” said SPEAKER
      let qBefore: Quote | null = null;
      for (const q of qs) {
        if (q.end <= cue.start && q.end >= prevCueEnd) {
          const gap = m.slice(q.end, cue.start);
          // a quotation closed by a comma belongs to the attribution after it, appositives included ("“…,” Dr Ana Ruiz, the trust's ecologist, said")
          const commaClosed = /,\s*$/.test(m.slice(q.inStart, q.inEnd)) && /^[\s,]*[^.;:!?"“”«»]{1,140}$/.test(gap);
          if (/^[\s,]*$/.test(gap) || /^[\s,]*[^,.;:"“”]{1,80}$/.test(gap) || commaClosed) qBefore = q;
        }
      }
      let subject: { entity: Entity; anaphoric: boolean } | null = null;
      let role: string | null = null;
      let contentSpans: Span[] = [];
      let zoneEnd = s.end;
      let inverted = false;
      let contentBefore: Span | null = null;
      const leftTrim = m.slice(a, cue.start).trim();
      if (qBefore && /^[\s,]*$/.test(m.slice(qBefore.end, cue.start))) {
        // inverted: “…,” said the minister
        const rs = this.rightSubject(cue.end, s.end);
        if (rs) {
          const p = parseSpeaker(rs.np);
          if (p) {
            if (rs.role && !p.role) p.role = rs.role;
            subject = this.resolveParsed(p, cue.start);
            role = rs.role;
            inverted = true;
          }
        }
      }
      let invertedClause: Span | null = null;
      if (!subject && !qBefore && !cue.participle && !cue.relative && /,\s*$/.test(m.slice(a, cue.start)) && /^(?:said|told|added|replied|answered|responded|wrote|insisted|explained|warned|stressed|noted|argued|countered|recalled|admitted|conceded|declared|announced|confirmed|acknowledged|continued|asked)$/.test(cue.word)) {
        // inverted without a quotation: "The port will stay shut, said the harbour master." — the clause before the comma is the content
        // cheap test first: only a short phrase (and an apposition) follows the cue to the sentence's end
        const clause = /^\s*[^,.;:"“”]{1,60}(?:,[^,.;:"“”]{1,80})?[.!?]?\s*$/.test(m.slice(cue.end, s.end)) ? this.invertedClause(a, cue.start) : null;
        const rs = clause ? this.rightSubject(cue.end, s.end) : null;
        if (clause && rs && /^[\s.!?]*$/.test(m.slice(rs.end, s.end).replace(/^\s*(?:(?:late |early )?on |last |this )?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|week|month)(?: (?:morning|afternoon|evening|night))?/i, ''))) {
          const p = /\b(?:was|were|is|are|had|has|have|would|will|could|should|did|does)\b/i.test(rs.np) ? null : parseSpeaker(rs.np);
          if (p && p.kind !== 'pronoun') {
            if (rs.role && !p.role) p.role = rs.role;
            subject = this.resolveParsed(p, cue.start);
            role = rs.role;
            if (subject) invertedClause = clause;
          }
        }
      }
      const sharedSubject =
        !inverted &&
        !invertedClause &&
        (cue.participle || /^(?:and|but|or)$/i.test(leftTrim) || /(?:^|[\s,])(?:and|but)\s*$/.test(m.slice(a, cue.start)) || leftTrim === '' || (prevRelative && /,\s*$/.test(m.slice(a, cue.start))));
      if (!subject && sharedSubject && !prevSubject && !cue.participle && /(?:^|[\s,])(?:and|but)\s*$/.test(m.slice(a, cue.start))) {
        // "X declined to comment on the report but said …": the subject of the first, non-speech verb
        const v = this.tg.firstVerb(a, cue.start);
        if (v > a) {
          const ls = this.leftSubject(a, v, false);
          const p = ls ? parseSpeaker(ls.np) : null;
          if (ls && p) {
            if (ls.role && !p.role) p.role = ls.role;
            subject = this.resolveParsed(p, cue.start);
            role = ls.role ?? p.role;
          }
        }
      }
      if (!subject && sharedSubject && prevSubject) {
        subject = prevSubject;
      } else if (!subject && !sharedSubject) {
        const ls = this.leftSubject(a, cue.start, cue.relative);
        if (ls) {
          if (!cue.relative && !/,\s*$/.test(m.slice(a, cue.start)) && (/^(?:following|after|before|during|in|with|at|on|from|for|by|about|over|under|into|through|since|despite|amid|among|until)\b/.test(ls.np) || this.tg.hasVerb(ls.npStart, cue.start - 1, SUBJECT_VERB_EXCEPT, true))) {
            // the phrase before the cue is a clause, not a speaker: the previous statement goes on
            if (prevDraft && !prevDraft.dead && prevDraft.contentSpans.length) {
              const lastSpan = prevDraft.contentSpans[prevDraft.contentSpans.length - 1];
              if (lastSpan.end <= cue.start && cue.start - lastSpan.end < 200) {
                const lim = nextCue ? this.nextBoundary(s, cue, nextCue) : s.end;
                lastSpan.end = this.cutContent({ start: lastSpan.start, end: lim }).span.end;
              }
            }
            prevCueEnd = cue.end;
            continue;
          }
          const p = parseSpeaker(ls.np);
          if (p) {
            if (ls.type && p.kind === 'name') p.type = ls.type;
            if (ls.role && (!p.role || ls.type)) p.role = ls.role;
            subject = this.resolveParsed(p, cue.start);
            role = ls.role ?? p.role;
            contentBefore = ls.contentBefore;
          }
        }
      }
      if (!subject) {
        prevCueEnd = cue.end;
        continue;
      }
      // "Citing three diplomats, the Post said …": the cited sources speak, via the subject
      const citingLead = /^\s*Citing\s+([^,]{3,80}),/.exec(m.slice(s.start, cue.start));
      if (role && !subject.entity.role) subject.entity.role = role;
      if (role && !subject.entity.gender) subject.entity.gender = genderOf(role);
      // ---- content
      const limitEnd = nextCue ? this.nextBoundary(s, cue, nextCue) : s.end;
      let rel: RelHint[] = [];
      const relType = RELATION_OF_CUE[cue.base];
      let contentless = false;
      let citing: string | null = null;
      let ownVia: string[] = [];
      let despite: Span | null = null;
      let asVerdict = false;
      if (invertedClause) {
        const cut = this.cutContent(invertedClause);
        contentSpans = [cut.span];
        if (relType) rel.push({ type: relType, ref: null });
      } else if (qBefore && (inverted || /^[\s,]*$/.test(m.slice(qBefore.end, a))) && !/^(?:and|but|or)$/i.test(leftTrim)) {
        contentSpans = [{ start: qBefore.inStart, end: qBefore.inEnd }];
        // split quote: “First,” she said, “second.”
        const after = inverted ? this.rightSubject(cue.end, s.end)?.end ?? cue.end : cue.end;
        const nq = qs.find((q) => q.start >= after && /^[^"“.;]{0,60}[,:]\s*$/.test(m.slice(after, q.start)) && !/[.!?]$/.test(m.slice(after, q.start).trim()));
        if (nq) {
          contentSpans.push({ start: nq.inStart, end: nq.inEnd });
          zoneEnd = nq.start;
        }
        const tail = m.slice(nq ? nq.end : after, s.end);
        const av = /according to ((?:the\s+)?[A-Z][\p{L}'’ ]{1,40}?)(?=[,.;]|$)/u.exec(tail);
        if (av && this.isOutlet(av[1])) ownVia.push(av[1].replace(/^the\s+/i, ''));
      } else {
        const cs = this.contentStartAfter(cue, limitEnd);
        const citingObj = /,\s*citing\s+([^,]+),/.exec(m.slice(cue.end, cs.start));
        if (citingObj) citing = collapse(citingObj[1]);
        else if (citingLead) citing = collapse(citingLead[1]);
        if (relType && !cs.hasThat && !cs.colonQuote) {
          // object of a relation cue
          const obj = /^\s*([^,.;:]*?)(?=\s+as\b|\s+and\s+(?:said|told|added)|,|\.|;|:|\s+saying\b|$)/.exec(m.slice(cue.end, limitEnd));
          const objText = obj ? collapse(obj[1]) : '';
          const asM = /^\s*[^,.;]*?\bas\s+/.exec(m.slice(cue.end, limitEnd));
          if (objText && REFERENCE_OBJECT.test(objText) || /^(?:it|this|that|them|the claims?|the reports?)$/i.test(objText)) {
            rel.push({ type: relType, ref: objText });
            if (asM && (cue.base === 'dismiss' || cue.base === 'reject')) {
              // "dismissed the remarks as “wishful thinking”"
              contentSpans = [this.trimSpan({ start: cue.end, end: limitEnd })];
              asVerdict = true;
            } else contentless = true;
          } else if (objText && asM && (cue.base === 'dismiss' || cue.base === 'reject')) {
            // "dismissed the appeal as “frivolous”": a verdict of its own
            contentSpans = [this.trimSpan({ start: cue.end, end: limitEnd })];
            asVerdict = true;
          } else if (objText && (cue.base === 'deny' || cue.base === 'dispute' || cue.base === 'reject' || cue.base === 'confirm')) {
            contentSpans = [this.trimSpan({ start: cue.end, end: limitEnd })];
            if (cue.base === 'confirm') rel.push({ type: 'supports', ref: null });
            else rel.push({ type: relType, ref: null });
          } else contentless = true;
        } else if (cs.colonQuote) {
          contentSpans = [{ start: cs.colonQuote.inStart, end: cs.colonQuote.inEnd }];
          if (relType) rel.push({ type: relType, ref: null });
          // a quote that continues: “…,” she said, “…” handled above; here also a following quote in the sentence
        } else {
          if (OBJECT_ONLY_CUES.has(cue.base)) contentless = true;
          else {
            let span = { start: cs.start, end: limitEnd };
            const cut = this.cutContent(span);
            span = cut.span;
            citing = citing ?? cut.citing;
            despite = cut.despite;
            if (despite) zoneEnd = Math.min(zoneEnd, despite.start);
            if (cut.viaOutlet) ownVia.push(cut.viaOutlet);
            const words = m.slice(span.start, span.end).trim().split(/\s+/).filter(Boolean);
            const weakOk = !WEAK_CUES.has(cue.base) || cs.hasThat || this.quotesIn(span.start, span.end).length > 0 || cue.base === 'add' || cue.base === 'call' || cue.base === 'urge' || cue.base === 'demand' || cue.base === 'warn' || cue.base === 'insist';
            const refOnly = words.length <= 5 && /^(?:his|her|its|their|the|that|this)\b/i.test(words[0] ?? '') && REFERENCE_OBJECT.test(m.slice(span.start, span.end).trim());
            if (refOnly) {
              contentless = true;
            } else if (words.length >= 3 && weakOk) {
              contentSpans = [span];
              if (cut.adding) contentSpans.push(this.trimSpan(this.cutContent(cut.adding).span));
              if (relType) rel.push({ type: relType, ref: null });
            } else if (contentBefore && words.length < 3) {
              const cb = this.cutContent(contentBefore);
              contentSpans = [cb.span];
              if (cut.adding) contentSpans.push(this.trimSpan(this.cutContent(cut.adding).span));
            } else if (words.length < 3) {
              contentless = true;
              if (relType) rel.push({ type: relType, ref: null });
            } else {
              prevCueEnd = cue.end;
              continue;
            }
          }
        }
      }
      // ---- nesting: "Maren Lind said Halloran had told her ... that ..."
      // (also when the reported clause is only the next cue's subject: "Osterby said Ferrant had assured him ... that")
      const bareNest = contentless && !rel.length && contentSpans.length <= 1 && !!nextCue && nextCue.base !== 'according' && !nextCue.participle && !nextCue.relative && !RELATION_OF_CUE[cue.base];
      if ((bareNest || (!contentless && contentSpans.length === 1)) && nextCue && !inverted && !invertedClause) {
        const gapStart = contentSpans.length ? contentSpans[0].start : cue.end;
        const gapText = m.slice(gapStart, nextCue.start);
        // the reported clause must open with someone who can speak ("nobody from the board had warned them" is content, not a nested source)
        const innerOk = () => {
          const np = this.cleanNP(gapStart, nextCue.start).replace(/^that\s+/i, '');
          return !/^(?:nobody|no one|none|nothing|no|neither)\b/i.test(np) && !!parseSpeaker(np);
        };
        if ((contentSpans.length ? contentSpans[0].end : gapStart) <= nextCue.start + 1 && gapText.trim().length > 0 && gapText.trim().split(/\s+/).length <= 10 && !/[,;]/.test(gapText) && !/\b(?:after|before|because|while|when|as|since|until|his|her|its|their|the claim|claim)\b/i.test(gapText) && innerOk()) {
          // the content is the subject of the next cue: nested attribution
          const d0 = this.makeDraft(subject, cue, [], s, [a, zoneEnd], rel, true);
          d0.dead = true;
          prevDraft = d0;
          this.pendingNest = { outer: subject.entity, outerVia: [...ownVia, ...via] };
          prevSubject = null;
          prevCueEnd = cue.end;
          prevRelative = cue.relative;
          continue;
        }
      }
      if (contentSpans.length && contentSpans.every((sp) => sp.end <= sp.start)) contentless = true;
      // "dismissed the lawsuit as “opportunistic” and said the company would ...": one statement, verdict and reason
      if (!contentless && sharedSubject && prevDraft && !prevDraft.dead && prevDraft.sent === s.index && prevDraft.entity === subject.entity && prevDraft.asVerdict) {
        prevDraft.contentSpans.push(...contentSpans);
        prevDraft.content = this.contentText(prevDraft.contentSpans);
        prevCueEnd = Math.max(cue.end, contentSpans[contentSpans.length - 1].end);
        continue;
      }
      const d = this.makeDraft(subject, cue, contentless ? [] : contentSpans, s, [a, zoneEnd], rel, contentless);
      if (inverted) d.zone = [{ start: qBefore!.end, end: s.end }];
      d.asVerdict = asVerdict;
      if (this.pendingNest) {
        d.via = [this.pendingNest.outer.name, ...this.pendingNest.outerVia.filter((v) => v !== this.pendingNest!.outer.name)];
        this.pendingNest = null;
      }
      if (cue.base === 'report' && this.isOutlet(subject.entity.name) && contentBefore && contentSpans.length === 1 && contentSpans[0].start === this.cutContent(contentBefore).span.start) {
        prevCueEnd = cue.end;
        continue;
      }
      if (citing) {
        const p = parseSpeaker(citing);
        if (p) {
          const r = this.resolveParsed(p, cue.start);
          if (r) {
            d.via = [subject.entity.name, ...d.via];
            d.entity = r.entity;
          }
        }
      } else if (subject.entity.type === 'organization' && this.isOutlet(subject.entity.name) && cue.base === 'report' && !this.isAgency(subject.entity.name)) {
        d.medium = 'report';
      }
      for (const v of ownVia) if (!d.via.includes(v)) d.via.push(v);
      if (despite) {
        const nominal = this.nominalIn(despite);
        if (nominal) d.rel.push({ type: 'contradicts', ref: null, explicitTarget: nominal });
      }
      d.anaphoric = subject.anaphoric;
      this.drafts.push(d);
      sentenceDrafts.push(d);
      prevDraft = d;
      prevSubject = subject;
      prevCueEnd = Math.max(cue.end, contentSpans.length ? contentSpans[contentSpans.length - 1].end : cue.end);
      prevRelative = cue.relative;
    }
    this.pendingNest = null;
    void prevDraft;
    // nominal references in the sentence ("an announcement from President Trump that ...")
    this.nominals(s, sentenceDrafts);
    // sentence-level via (outlet reported / according to outlet)
    for (const d of sentenceDrafts) for (const v of via) if (!d.via.includes(v) && d.entity.name.toLowerCase() !== v.toLowerCase()) d.via.push(v);
    // a sentence that is a quotation with no cue: continuation of the previous speaker
    if (!sentenceDrafts.length && qs.length && !this.colonIntroducer(s, qs)) this.continuation(s, qs);
  }

  /**
   * A quotation introduced by a colon after a clause whose subject is a name
   * or a pronoun, with no speech verb ("Mayor X put it simply on Friday: “…”",
   * "She was blunt: “…”"): the subject speaks the quotation. The quotation must
   * run to the end of the sentence and the clause before the colon be short.
   * Returns whether a statement was made.
   */
  private colonIntroducer(s: Sentence, qs: Quote[]): boolean {
    const m = this.tm.masked;
    const q = qs.find((x) => /:\s*$/.test(m.slice(s.start, x.start)));
    if (!q || !/^[\s.!?]*$/.test(m.slice(q.end, s.end))) return false;
    const colon = m.lastIndexOf(':', q.start);
    const intro = m.slice(s.start, colon);
    if (this.inQuote(s.start) || intro.split(/\s+/).length > 14 || /["“”«»]/.test(intro)) return false;
    // the subject: a pronoun, or a run of capitalised words (titles and name) opening the clause
    const x = /^\s*(?:(He|She|They|It)|((?:\p{Lu}[\p{L}'’.-]*\s+)*\p{Lu}[\p{L}'’.-]*))\s+(?=[\p{Ll}])/u.exec(intro);
    if (!x) return false;
    const np = x[1] ?? x[2];
    const p = parseSpeaker(np);
    if (!p || (p.kind === 'description' && p.type !== 'organization')) return false;
    const at = s.start + x.index;
    if (!this.tg.hasVerb(at + x[0].length, colon, NONE_SET, true)) return false;
    const subject = this.resolveParsed(p, at);
    if (!subject) return false;
    const cue: Cue = { base: 'say', start: at + x[0].length, end: colon, word: ':', participle: false, relative: false, reference: false };
    const d = this.makeDraft(subject, cue, [{ start: q.inStart, end: q.inEnd }], s, [s.start, q.start], [], false);
    this.drafts.push(d);
    return true;
  }

  private pendingNest: { outer: Entity; outerVia: string[] } | null = null;

  /**
   * End of a label opening a paragraph ("Update 15:10:", "Breaking:"), or the
   * sentence start: a label is a short phrase without a verb before a colon,
   * followed by a capitalised sentence; it is never part of a speaker.
   */
  private labelEnd(s: Sentence): number {
    const m = this.tm.masked;
    const para = this.tm.paragraphs[s.para];
    if (!para || s.start > para.start + 4) return s.start;
    // a clock time may sit inside the label ("Update 15:10:")
    const x = /^\s*(\p{Lu}(?:[^:.!?"“”«»]|[:.](?=\d\d))*?):\s+(?=[\p{Lu}"“«‘'])/u.exec(m.slice(s.start, Math.min(s.end, s.start + 60)));
    if (!x || x[1].length > 40 || x[1].trim().split(/\s+/).length > 4 || /\b(?:said|says|told|is|was|were|are)\b/.test(x[1])) return s.start;
    if (this.tg.hasVerb(s.start, s.start + x[1].length + 1, NONE_SET, true)) return s.start;
    // a name before the colon is a transcript speaker ("KESSEL: …"), left to transcriptLines
    const p = parseSpeaker(x[1]);
    if (p && p.kind === 'name' && p.type === 'person' && !/\d/.test(x[1])) return s.start;
    return s.start + x[0].length;
  }

  /** Where the content of `cue` must end because `next` starts its own attribution. */
  private nextBoundary(s: Sentence, cue: Cue, next: Cue): number {
    const m = this.tm.masked;
    if (next.base === 'according') return next.start;
    const between = m.slice(cue.end, next.start);
    if (next.participle) {
      const c = between.lastIndexOf(',');
      return c >= 0 ? cue.end + c : next.start;
    }
    if (next.relative) {
      const w = between.search(/,?\s*\b(?:who|which)\b[^,]*$/);
      if (w >= 0) {
        // "…, who said" : the antecedent starts after the previous comma
        const ante = between.slice(0, w).lastIndexOf(',');
        return cue.end + (ante >= 0 ? ante : w);
      }
    }
    // shared subject: "... and said"
    const and = /,?\s+(?:and|but)\s*$/.exec(between);
    if (and) return cue.end + and.index;
    // appositive-closing comma: "..., said" → content ends at the last comma
    if (/,\s*$/.test(between)) {
      // subject is the first segment after the cue's clause; find the last ", " before a capitalised subject
      const cm = between.search(/,\s*[^,]*,\s*$/);
      return cue.end + (cm >= 0 ? cm : between.lastIndexOf(','));
    }
    // the next cue's subject is just before it: cut before the subject
    const sub = /(?:\s|^)(?:after|before|because|while|when|although|though|whereas|until|since|as|despite)\s+[^,]*$/.exec(between);
    if (sub) return cue.end + sub.index;
    // subject = last capitalised run / noun phrase before next cue
    const np = /(?:,\s*|\s)((?:(?:the|a|an|two|three|several|[A-Z][\p{L}'’.-]*|[a-z]+['’]s?)\s+){0,6}(?:[A-Z][\p{L}'’.-]*|he|she|it|they|[a-z]+))\s+(?:also\s+|had\s+|has\s+)*$/u.exec(between);
    if (np) return cue.end + np.index;
    return next.start;
  }

  private makeDraft(subject: { entity: Entity; anaphoric: boolean }, cue: Cue, spans: Span[], s: Sentence, zone: [number, number], rel: RelHint[], contentless: boolean): Draft {
    const spansOk = spans.filter((sp) => sp.end > sp.start);
    const content = this.contentText(spansOk);
    const zoneSpans: Span[] = [];
    const sentStart = s.start;
    const holes = [...spansOk, ...this.quotesIn(sentStart, zone[1]).map((q) => ({ start: q.start, end: q.end }))].sort((x, y) => x.start - y.start);
    let cur = sentStart;
    for (const sp of holes) {
      if (sp.start > cur) zoneSpans.push({ start: cur, end: Math.min(sp.start, zone[1]) });
      cur = Math.max(cur, sp.end);
    }
    if (cur < zone[1]) zoneSpans.push({ start: cur, end: zone[1] });
    const mention: Span = spansOk.length
      ? { start: Math.min(sentStart, ...spansOk.map((x) => x.start)), end: Math.max(s.end, ...spansOk.map((x) => x.end)) }
      : { start: s.start, end: s.end };
    return {
      entity: subject.entity,
      cue: cue.word,
      cueStart: cue.start,
      contentSpans: spansOk,
      kind: this.kindOf(spansOk),
      zone: zoneSpans,
      via: [],
      medium: null,
      saidAt: null,
      dateFromContent: false,
      sent: s.index,
      para: s.para,
      rel,
      contentless: contentless || !content,
      nominal: false,
      continuation: false,
      anaphoric: subject.anaphoric,
      perfect: /\b(?:has|have|had)\s+(?:also\s+|previously\s+|repeatedly\s+)?$/.test(this.tm.masked.slice(Math.max(0, cue.start - 20), cue.start)),
      mentions: [mention],
      dead: false,
      content,
    };
  }

  /** "according to X": X speaks (or is a via / medium). */
  private accordingTo(s: Sentence, cue: Cue, cues: Cue[], drafts: Draft[], via: string[]): void {
    const m = this.tm.masked;
    const segs = this.segments(cue.end, s.end);
    let whoEnd = segs[0].end;
    let who = collapse(m.slice(cue.end, segs[0].end)).replace(/[.!?]+$/, '');
    let role: string | null = null;
    if (segs[1]) {
      const t2 = collapse(m.slice(segs[1].start, segs[1].end)).replace(/[.!?]+$/, '');
      const p2 = parseSpeaker(t2);
      const p1 = parseSpeaker(who);
      if (p2 && p2.kind === 'name' && p2.type === 'person' && p1 && p1.kind === 'description') {
        role = who.replace(/^(?:the|a|an)\s+/i, '');
        who = t2;
        whoEnd = segs[1].end;
      } else if (p1 && p1.kind === 'name' && /^(?:the|a|an)\b/i.test(t2) && t2.split(/\s+/).length <= 12) {
        role = t2.replace(/^(?:the|a|an)\s+/i, '');
        whoEnd = segs[1].end;
      }
    }
    if (this.isOutlet(who)) return; // handled as via
    const otherCues = cues.filter((c) => c !== cue && c.base !== 'according');
    if (/\b(?:letter|statement|filing|documents?|report|presentation|data|figures|records|minutes|transcript|survey|study|poll|memo)\b/i.test(who) && !/^[A-Z]/.test(who.replace(/^the\s+/i, ''))) {
      // a document: medium for the sentence's statement; speaker = sentence subject
      if (otherCues.length) return;
      const contentSpan = this.trimSpan({ start: s.start, end: cue.start });
      const segs0 = this.segments(s.start, cue.start);
      const subjText = collapse(m.slice(segs0[0].start, segs0[0].end));
      const capRun = /^((?:[A-Z][\p{L}'’.-]*\s?)+)/u.exec(subjText);
      if (!capRun) return;
      const p = parseSpeaker(capRun[1]);
      if (!p) return;
      const r = this.resolveParsed(p, s.start);
      if (!r) return;
      const d = this.makeDraft(r, cue, [contentSpan], s, [cue.start, s.end], [], false);
      d.zone = [{ start: cue.start, end: s.end }];
      this.drafts.push(d);
      drafts.push(d);
      return;
    }
    if (otherCues.length) return;
    const p = parseSpeaker(who);
    if (!p) return;
    if (role && !p.role) p.role = role;
    const r = this.resolveParsed(p, cue.start);
    if (!r) return;
    if (role && !r.entity.role) r.entity.role = role;
    // content: before "according to" or after "According to X,"
    let span: Span;
    const before = m.slice(s.start, cue.start);
    if (before.trim().replace(/[,\s]+$/, '').split(/\s+/).length >= 3) span = this.trimSpan({ start: s.start, end: cue.start });
    else span = this.trimSpan({ start: whoEnd + 1, end: s.end });
    const d = this.makeDraft(r, cue, [span], s, [cue.start, whoEnd], [], false);
    d.zone = [{ start: cue.start, end: whoEnd }];
    d.anaphoric = r.anaphoric;
    this.drafts.push(d);
    drafts.push(d);
    void via;
  }

  /** Nominal references: "an announcement from X that …", "X's tweet on Monday that …". */
  private nominals(s: Sentence, drafts: Draft[]): void {
    const m = this.tm.masked;
    const text = m.slice(s.start, s.end);
    if (!REPORT_NOUN_RE.test(text)) return;
    const res = NOMINAL_RES;
    for (const re of res) re.lastIndex = 0;
    for (let ri = 0; ri < res.length; ri++) {
      const re = res[ri];
      let x: RegExpExecArray | null;
      while ((x = re.exec(text))) {
        const at = s.start + x.index;
        if (this.inQuote(at)) continue;
        const noun = ri === 0 ? x[1] : x[2];
        const who = collapse(ri === 0 ? x[2] : x[1]);
        const p = parseSpeaker(who);
        if (!p || p.kind !== 'name') continue;
        const cStart = at + x[0].length;
        // content: up to the end of the clause
        let end = s.end;
        const rest = m.slice(cStart, s.end);
        const stop = /,\s*(?:[A-Z][\p{L}'’ ]{1,40} reported|according to|despite|but|and)\b|,\s*(?:he|she|it|they) said|;/u.exec(rest);
        if (stop) end = cStart + stop.index;
        // inside another draft's content?
        const owner = drafts.find((d) => d.contentSpans.some((sp) => at >= sp.start && at < sp.end));
        if (owner) continue;
        const r = this.resolveParsed(p, at);
        if (!r) continue;
        const span = this.trimSpan({ start: cStart, end });
        const fakeCue: Cue = { base: 'say', start: at, end: cStart, word: noun.toLowerCase(), participle: false, relative: false, reference: false };
        const d = this.makeDraft(r, fakeCue, [span], s, [at, cStart], [], false);
        d.zone = [{ start: at, end: cStart }];
        d.nominal = true;
        if (/tweet/i.test(noun)) d.medium = 'tweet';
        this.drafts.push(d);
        drafts.push(d);
        // relation: the statement whose despite-clause holds it
        for (const o of drafts) {
          for (const rh of o.rel) if (rh.explicitTarget === undefined && rh.ref && rh.ref.includes(noun)) rh.explicitTarget = d;
        }
        for (const o of drafts) {
          const ds = o.rel.find((rh) => rh.type === 'contradicts' && rh.explicitTarget && rh.explicitTarget.dead === false && rh.explicitTarget.entity === d.entity);
          void ds;
        }
      }
    }
  }

  /** Find a nominal reference in a span ("despite Trump's tweet on Monday that …") and register it as a (reference) draft. */
  private nominalIn(sp: Span): Draft | null {
    const m = this.tm.masked;
    const text = m.slice(sp.start, sp.end);
    const re = NOMINAL_IN;
    const x = re.exec(text);
    if (!x) return null;
    const p = parseSpeaker(collapse(x[1]));
    if (!p || p.kind !== 'name') return null;
    const r = this.resolveParsed(p, sp.start + x.index);
    if (!r) return null;
    const at = sp.start + x.index;
    const cStart = at + x[0].length;
    const span = x[4] ? this.trimSpan({ start: cStart, end: sp.end }) : { start: cStart, end: cStart };
    const s = this.tm.sentences.find((z) => z.start <= at && at < z.end)!;
    const fakeCue: Cue = { base: 'say', start: at, end: cStart, word: x[2].toLowerCase(), participle: false, relative: false, reference: false };
    const d = this.makeDraft(r, fakeCue, x[4] ? [span] : [], s, [at, cStart], [], !x[4]);
    d.zone = [{ start: at, end: cStart }];
    d.nominal = true;
    if (/tweet/i.test(x[2])) d.medium = 'tweet';
    this.drafts.push(d);
    return d;
  }

  /** A sentence that is only a quotation: the previous speaker goes on. */
  private continuation(s: Sentence, qs: Quote[]): void {
    const m = this.tm.masked;
    const outside = m.slice(s.start, s.end).replace(/["“”«»]/g, '');
    let insideLen = 0;
    for (const q of qs) insideLen += q.inEnd - q.inStart;
    if (insideLen < 0.8 * outside.trim().length) return;
    const words = m.slice(qs[0].inStart, qs[qs.length - 1].inEnd).trim().split(/\s+/).length;
    if (words < 4) return;
    const prev = [...this.drafts].reverse().find((d) => !d.dead && (d.para === s.para || d.para === s.para - 1) && !d.nominal);
    if (!prev) return;
    // only when nothing else intervenes: the previous paragraph ends with the speaker's statement or a colon
    const lastSentPrev = this.tm.sentences[s.index - 1];
    if (!lastSentPrev || prev.sent !== lastSentPrev.index) return;
    const spans = qs.map((q) => ({ start: q.inStart, end: q.inEnd }));
    const d: Draft = {
      ...prev,
      cue: prev.cue,
      contentSpans: spans,
      kind: 'direct',
      zone: [],
      via: [...prev.via],
      rel: [],
      sent: s.index,
      para: s.para,
      contentless: false,
      nominal: false,
      continuation: true,
      anaphoric: true,
      mentions: [{ start: s.start, end: s.end }],
      dead: false,
      content: this.contentText(spans),
    };
    this.drafts.push(d);
  }

  /**
   * An em-dash transcript without names ("— Will taxes rise?" / "— No, not
   * this year."): paragraphs opened by a dash alternate question and answer;
   * one ending in "?" is a question, the others answers. Only when no dash
   * paragraph carries its own inverted attribution ("…, replied Henrik
   * Aasgaard"), which the sentence rules read instead.
   */
  private dashTranscript(): void {
    const m = this.tm.masked;
    const dash = this.tm.paragraphs.filter((p) => DASH_LINE.test(m.slice(p.start, p.end)));
    if (dash.length < 2) return;
    const texts = dash.map((p) => m.slice(p.start, p.end).trim());
    if (texts.some((t) => INVERTED_ATTRIBUTION.test(t))) return;
    const q = texts.filter((t) => /\?["”»’']?$/.test(t)).length;
    if (q === 0 || q === texts.length) return;
    dash.forEach((p, i) => this.qaParas.set(p.index, /\?["”»’']?$/.test(texts[i]) ? 'q' : 'a'));
  }

  /**
   * Answers of a Q&A transcript ("Q: …" / "A: …" paragraphs): each answer is
   * a direct statement of the interviewee, the person most recently named
   * before the first question or answer (the introduction: "Finance Minister
   * X spoke to Example Wire on Wednesday"). The introducing sentence is the
   * statement's zone, so its date and medium apply. Questions are not
   * statements.
   */
  private qaAnswers(): void {
    if (!this.qaParas.size) return;
    const m = this.tm.masked;
    const firstIdx = Math.min(...this.qaParas.keys());
    const firstPara = this.tm.paragraphs.find((p) => p.index === firstIdx)!;
    const who = this.reg.entities
      .filter((e) => (e.type === 'person' || e.type === 'group') && e.last >= 0 && e.last < firstPara.start)
      .sort((a, b) => b.last - a.last)[0];
    if (!who) return;
    const intro = this.tm.sentences.find((z) => z.start <= who.last && who.last < z.end);
    for (const p of this.tm.paragraphs) {
      if (this.qaParas.get(p.index) !== 'a') continue;
      const t = m.slice(p.start, p.end);
      const x = QA_LINE.exec(t) ?? DASH_LINE.exec(t)!;
      const cStart = p.start + x[0].length;
      const span = this.trimSpan({ start: cStart, end: p.end });
      const s = this.tm.sentences.find((z) => z.start <= cStart && cStart < z.end) ?? this.tm.sentences.find((z) => z.para === p.index);
      if (!s || span.end <= span.start) continue;
      const cue: Cue = { base: 'say', start: p.start, end: cStart, word: 'answered', participle: false, relative: false, reference: false };
      const d = this.makeDraft({ entity: who, anaphoric: false }, cue, [span], s, [p.start, cStart], [], false);
      d.kind = 'direct';
      d.mentions = [{ start: p.start, end: p.end }];
      if (intro) d.zone = [{ start: intro.start, end: intro.end }];
      this.drafts.push(d);
    }
  }

  /** Transcript lines: "NAME: words" or "— Name: words" paragraphs. */
  private transcriptLines(): void {
    const m = this.tm.masked;
    for (const p of this.tm.paragraphs) {
      const t = m.slice(p.start, p.end);
      const x = /^\s*[—–-]?\s*((?:[A-Z][\p{L}'’.-]*)(?:\s+(?:[A-Z][\p{L}'’.-]*|de|van|von|der|al|bin|da|di|du|le|la)){0,4})\s*:\s+(\S.{10,})$/u.exec(t);
      if (!x) continue;
      const name = x[1];
      if (/^(?:About|For|From|In|On|At|To|With|Contact|Media|Press|Investor|Investors)\b/.test(name)) continue;
      if (/^(?:Related|Photo|Note|Editor|Factbox|Explainer|Analysis|Update|Correction|Q|A|Question|Answer|Source|Sources|Read|Watch|Listen|Video|Advertisement|Follow|Warning|Update|Breaking|Exclusive|Timeline|Background|Context|Reporting|Editing)$/i.test(name)) continue;
      const already = this.drafts.some((d) => d.mentions.some((mm) => mm.start < p.end && mm.end > p.start));
      if (already) continue;
      const pName = parseSpeaker(name.charAt(0) + name.slice(1).toLowerCase() === name ? name : name.replace(/\b([A-Z])([A-Z]+)\b/g, (_a, b, c) => b + c.toLowerCase()));
      if (!pName) continue;
      const r = this.resolveParsed(pName, p.start);
      if (!r) continue;
      const cStart = p.start + t.indexOf(x[2]);
      const span = this.trimSpan({ start: cStart, end: p.end });
      const s = this.tm.sentences.find((z) => z.start <= cStart && cStart < z.end) ?? this.tm.sentences.find((z) => z.para === p.index)!;
      if (!s) continue;
      const fakeCue: Cue = { base: 'say', start: p.start, end: cStart, word: ':', participle: false, relative: false, reference: false };
      const d = this.makeDraft(r, fakeCue, [span], s, [p.start, cStart], [], false);
      d.kind = 'direct';
      d.mentions = [{ start: p.start, end: p.end }];
      this.drafts.push(d);
    }
  }

  /** Keep salience of persons named at the start of a sentence even when the verb is not a cue. */
  private touchSubject(s: Sentence): void {
    const m = this.tm.masked;
    // quoted words are not the sentence's subject
    const head = this.outsideQuotes(s.start, Math.min(s.end, s.start + 120));
    if (/^\s*$/.test(head.slice(0, 2)) && this.inQuote(s.start)) return;
    const segs = head.split(',');
    let seg = segs[0];
    if (this.isPreamble(seg) && segs[1]) seg = segs[1];
    // the first full name in the clause ("Chief executive Helena Marsh apologised ...")
    const run = /((?:[A-Z][\p{L}'’.-]*\s){1,4}[A-Z][\p{L}'’.-]+)/u.exec(seg);
    // a possessive run owns the subject ("Kilcarra Foods' chief executive"); it is not the subject
    let p = run && !/['’]s?$/.test(run[1]) ? parseSpeaker(run[1]) : null;
    let at = run ? s.start + head.indexOf(run[1]) : -1;
    if (!p || p.kind !== 'name' || p.type !== 'person' || !p.name.includes(' ')) {
      // a post, then the name in apposition ("Kilcarra Foods' chief executive, Dervla Munro, flew …"): the person holds the post
      const segIdx = segs.indexOf(seg);
      const nameSeg = segs[segIdx + 1];
      const roleHead = lastLowerRun(seg);
      if (!nameSeg || !TITLE_WORDS.has(roleHead) || segs.length < segIdx + 3) return;
      const np = parseSpeaker(nameSeg);
      if (!np || np.kind !== 'name' || np.type !== 'person' || !np.name.includes(' ') || np.role) return;
      np.role = collapse(seg).replace(/^(?:the|a|an)\s+/i, '');
      p = np;
      at = s.start + head.indexOf(nameSeg);
    }
    const e = this.reg.resolveName(p, at);
    if (!e.role && p.role) e.role = p.role;
    // gender from the sentence's own pronoun ("... since she refused")
    if (!e.gender) {
      const g = /\b(she|her)\b/i.test(m.slice(s.start, s.end)) ? 'f' : /\b(he|his|him)\b/i.test(m.slice(s.start, s.end)) ? 'm' : null;
      if (g) e.gender = g;
    }
  }

  // ---------------------------------------------------------------- post-processing
  private postProcess(): void {
    const live = () => this.drafts.filter((d) => !d.dead);
    // entity canonical name may have changed (fuller name) – nothing to do: drafts hold the entity object.
    // 1. content-less cues: attach to the next (or previous) statement of the same speaker
    for (const d of live()) {
      if (!d.contentless) continue;
      const next = live().find((o) => o !== d && !o.contentless && o.entity === d.entity && o.sent >= d.sent && o.sent <= d.sent + 2 && !o.nominal);
      const target = next ?? [...live()].reverse().find((o) => o !== d && !o.contentless && o.entity === d.entity && o.sent <= d.sent);
      if (target) {
        target.rel.push(...d.rel);
        target.mentions.push(...d.mentions);
        if (!target.medium && d.medium) target.medium = d.medium;
        target.zone.push(...d.zone);
        if (next) for (const v of d.via) if (!target.via.includes(v)) target.via.push(v);
      }
      d.dead = true;
    }
    // 1b. a role noun that spoke before the item names its holder ("The prosecutor said … The prosecutor, Valentina Roos, was …")
    this.nameLaterHolders(live());
    // 2. compute content, dates, media now (zones are final)
    for (const d of live()) {
      d.content = this.contentText(d.contentSpans);
      d.kind = d.continuation ? 'direct' : this.kindOf(d.contentSpans);
      this.assignMedium(d);
      this.assignDate(d);
      d.saidAt = this.toUtcRange(d.saidAt);
    }
    // 3. nominal references merge into statements of the same speaker
    for (const d of live()) {
      if (!d.nominal) continue;
      const other = live().find((o) => o !== d && o.entity === d.entity && (o.nominal || tokenF1(o.content, d.content) >= 0.3) && o.cueStart < d.cueStart);
      if (other) this.merge(other, d);
    }
    // 4. lede restatements and duplicates
    const ds = live();
    const bags = ds.map((d) => tokenBag(d.content));
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i];
      if (d.dead) continue;
      for (let j = i + 1; j < ds.length; j++) {
        const o = ds[j];
        if (o.dead) continue;
        const f = bagF1(bags[i], bags[j]);
        const sameSpeaker = d.entity === o.entity;
        const ledeish = d.para === 0 || d.nominal;
        // a lede restating a later statement shares its content words, not only "the", "had", "water"
        const restates = () => {
          const a = contentWords(d.content);
          const b = contentWords(o.content);
          let n = 0;
          for (const w of a) if (b.has(w)) n++;
          return n >= 2 || (n >= 1 && Math.min(a.size, b.size) <= 2);
        };
        if ((sameSpeaker && f >= 0.8) || (ledeish && sameSpeaker && f >= 0.3 && restates()) || (ledeish && f >= 0.55)) {
          // keep the later (fuller) content and speaker; the lede becomes a mention
          this.merge(o, d, true);
          break;
        }
      }
    }
    // 5. inheritance within paragraphs: via, medium, date for the same speaker
    const all = live().sort((a, b) => a.cueStart - b.cueStart || a.sent - b.sent);
    for (let i = 1; i < all.length; i++) {
      const d = all[i];
      const prev = [...all.slice(0, i)].reverse().find((o) => o.entity === d.entity && !o.nominal);
      if (!prev) continue;
      const adjacent = prev.para === d.para || prev.para === d.para - 1;
      if (!adjacent) continue;
      if (!d.via.length && prev.via.length && prev.para === d.para) d.via = [...prev.via];
      if (!d.medium && prev.medium && !d.via.length && (d.anaphoric || d.continuation || prev.para === d.para) && (prev.para === d.para || d.anaphoric || d.continuation)) d.medium = prev.medium;
      if (!d.saidAt && prev.saidAt && !d.perfect && (d.anaphoric || d.continuation || prev.para === d.para || (prev.para > 0 && d.kind !== 'indirect'))) d.saidAt = prev.saidAt;
    }
    // 5b. no date of its own and none inherited: the news day of the lede (a plain "said" in a wire story reports that day's news)
    const news = this.newsDay();
    if (news) for (const d of live()) if (!d.saidAt && !d.perfect) d.saidAt = news;
    // 6. outlet's own report: medium
    for (const d of live()) {
      if (d.entity.type === 'organization' && this.isOutlet(d.entity.name) && /^report/.test(d.cue) && !d.medium) d.medium = 'report';
      if (d.entity.type === 'organization' && this.isOutlet(d.entity.name)) d.via = d.via.filter((v) => v.toLowerCase() !== d.entity.name.toLowerCase());
      if (this.agency) d.via = d.via.filter((v) => v.toLowerCase() !== this.agency!.toLowerCase());
    }
    // 6b. content that calls another speaker's statement wrong: contradicts it
    for (const d of live()) {
      const x = CALLS_WRONG.exec(d.content);
      if (!x) continue;
      const who = (x[1] ?? x[2] ?? '').replace(/^the\s+/i, '').toLowerCase();
      if (!who || who.length < 3) continue;
      const target = live()
        .filter((o) => o !== d && o.entity !== d.entity && o.cueStart < d.cueStart)
        .reverse()
        .find((o) => [o.entity.name, ...o.via].some((n) => n.toLowerCase().includes(who) || who.includes(n.toLowerCase())));
      if (target) d.rel.push({ type: 'contradicts', ref: null, explicitTarget: target });
    }
    // 6c. relations signalled by the statement's own words or by a reference to another's statement
    for (const d of live()) this.contentRelations(d);
    // 6d. owners of referenced statements ("the minister's remarks", "the Gazette's story") resolved to speakers
    for (const d of live()) for (const r of d.rel) if (r.ref && !r.owner) r.owner = this.ownerOf(r.ref, d);
    // 7. relation propagation: statements of the same speaker next to a contradicting/correcting one share its relation
    const fin = live().sort((a, b) => a.cueStart - b.cueStart);
    for (let i = 1; i < fin.length; i++) {
      const d = fin[i];
      if (d.rel.some((r) => !r.weak)) continue;
      const prev = fin[i - 1];
      if (prev.entity !== d.entity || !prev.rel.length) continue;
      const nextPara = prev.para === d.para - 1;
      if (prev.para === d.para || (nextPara && (d.continuation || d.anaphoric || d.kind === 'direct'))) {
        // the speaker goes on in the same vein: a quoted follow-up to a denial or a confirmation takes the same side
        const types = nextPara && !d.continuation ? (d.kind === 'direct' ? ['supports', 'contradicts'] : []) : ['contradicts', 'corrects', 'retracts', ...(d.kind === 'direct' ? ['supports'] : [])];
        const add = prev.rel.filter((r) => types.includes(r.type) && !d.rel.some((x) => x.type === r.type && !x.weak)).map((r) => ({ ...r, follow: prev }));
        d.rel = [...d.rel.filter((r) => !add.some((x) => x.type === r.type)), ...add];
      }
    }
    // a self-correction or retraction signalled after the statement it qualifies, in the same paragraph
    for (let i = fin.length - 2; i >= 0; i--) {
      const d = fin[i];
      const next = fin[i + 1];
      if (next.entity !== d.entity || next.para !== d.para || d.rel.length) continue;
      d.rel = next.rel.filter((r) => r.type === 'corrects' || r.type === 'retracts').map((r) => ({ ...r }));
    }
  }

  /**
   * Relations a careful editor reads from the statement's own words: a
   * reference to another speaker's statement ("the mayor's letter was
   * overdue but welcome", "the Echo's reporting had been false"), a verdict
   * on a claim ("is simply wrong", "appeared genuine", "confirms what"), or a
   * self-correction ("What I said on Monday was accurate then", "I was wrong").
   */
  private contentRelations(d: Draft): void {
    const c = d.content;
    if (!c) return;
    const has = (t: RelationType) => d.rel.some((r) => r.type === t);
    const self = SELF_RETRACT.test(c) ? 'retracts' : SELF_CORRECT.test(c) || SELF_CORRECT.test(this.zoneText(d)) ? 'corrects' : null;
    if (self && !has('corrects') && !has('retracts')) d.rel.push({ type: self, ref: null, weak: true });
    if (self) return;
    // an arbiter on two conflicting claims ("both sets of figures could be accurate", "neither account is complete")
    if (!d.rel.length && BOTH_SIDES.test(c)) {
      d.rel.push({ type: 'responds_to', ref: null, weak: true, owner: ['*both*'] });
      return;
    }
    const ref = POSSESSIVE_HINT.test(c) ? STATEMENT_REF.exec(c) : null;
    const polarity: RelationType | null = VERDICT_WRONG.test(c) ? 'contradicts' : VERDICT_RIGHT.test(c) ? 'supports' : null;
    if (ref && !d.rel.length) {
      const owner = ref[1].trim();
      const ownerL = owner.toLowerCase().replace(/^the\s+/, '');
      const selfRef = /^(?:my|our|his|her|its|their)$/i.test(owner) || [d.entity.name.toLowerCase(), ...d.entity.aliases].includes(ownerL);
      if (selfRef && /\bst(?:oo|an)ds? by\b/i.test(c)) {
        // "stood by his account": against whoever disputed it
        d.rel.push({ type: 'contradicts', ref: null, weak: true, owner: ['*disputer*'] });
        return;
      }
      if (!selfRef && (polarity || !/\b(?:account|figures|offer|proposal|findings)$/.test(ref[0]))) {
        d.rel.push({ type: polarity ?? 'responds_to', ref: ref[0], weak: true });
        return;
      }
    }
    if (!d.rel.length && /\bst(?:oo|an)ds? by\b/i.test(c + ' ' + this.zoneText(d))) {
      d.rel.push({ type: 'contradicts', ref: null, weak: true, owner: ['*disputer*'] });
      return;
    }
    if (!d.rel.length && polarity) d.rel.push({ type: polarity, ref: null, weak: true });
    // a phrase of someone's earlier statement cited in quotation marks ("the bank told customers there was 'no evidence'")
    if (!d.rel.length) {
      const phrases = this.quotesIn(d.contentSpans[0]?.start ?? 0, d.contentSpans[d.contentSpans.length - 1]?.end ?? 0)
        .filter((q) => q.inEnd - q.inStart < c.length * 0.8)
        .map((q) => collapse(this.tm.masked.slice(q.inStart, q.inEnd)));
      // single quotes nested inside a quotation ("the bank told customers there was 'no evidence'")
      for (const x of c.matchAll(/(?:^|[\s(])[‘'](\p{L}[^‘’'"“”]{2,80}?[\p{L}\p{N}])[’'](?=[\s.,;:!?)]|$)/gu)) phrases.push(x[1]);
      for (const phrase of phrases) {
        if (phrase.split(' ').length < 2 || phrase.split(' ').length > 8) continue;
        d.rel.push({ type: CONTRARY.test(c.replace(phrase, '')) ? 'contradicts' : 'responds_to', ref: null, weak: true, cited: phrase });
        return;
      }
    }
  }

  /** Speakers (other than its own) that a statement's content names: names, surnames, role nouns ("the group", "the minister"). */
  speakersNamedIn(d: Draft): string[] {
    const out: string[] = [];
    const c = d.content;
    const lower = c.toLowerCase();
    for (const e of this.reg.entities) {
      if (e === d.entity || e.type === 'anonymous') continue;
      const names = [e.name, ...e.aliases].filter((n) => n.length >= 3);
      if (names.some((n) => containsWord(lower, n.toLowerCase().replace(/[^\p{L}\p{N}' -]/gu, '')))) out.push(e.name.toLowerCase());
    }
    const re = /\b(?:by|from|of|with)\s+the\s+([a-z][\p{L}-]+)\b/gu;
    let x: RegExpExecArray | null;
    while ((x = re.exec(c))) {
      const p = parseSpeaker('the ' + x[1]);
      const e = p && p.kind === 'description' ? this.reg.resolveDescription(p, d.cueStart) : null;
      // "the group" names the group the story introduced, when there is one; otherwise any organisation
      if (e && e !== d.entity) out.push(e.name.toLowerCase());
      else if (GENERIC_ORG.test(x[1])) out.push(ORG_OWNER);
    }
    return out;
  }

  /** The earlier sentence (outside the statement's own) that first uses the noun `head` ("protest"), or ''. */
  referentContext(head: string, d: Draft): string {
    const re = new RegExp(`\\b${head.replace(/[^\p{L}-]/gu, '')}\\b`, 'iu');
    for (const s of this.tm.sentences) {
      if (s.index >= d.sent) break;
      const t = this.tm.masked.slice(s.start, s.end);
      if (re.test(t)) return t;
    }
    return '';
  }

  /** The question a statement answers ("Asked whether she had promised …"), or ''. */
  questionOf(d: Draft): string {
    const z = this.zoneText(d);
    const q = /\b(?:asked|whether|question)\b.*$/is.exec(z);
    return q ? q[0] : '';
  }

  /** Names that an owner phrase ("the minister's", "the Gazette's", "the company's") can refer to. */
  private ownerOf(ref: string, d: Draft): string[] | undefined {
    const m = /^(?:the\s+)?((?:[\p{L}.-]+\s+){0,4}?[\p{L}.-]+?)(?:['’]s|s['’])\s+\S/u.exec(ref.trim());
    if (!m) return undefined;
    const owner = m[1].trim();
    if (/^(?:my|our|his|her|its|their|this|that|the)$/i.test(owner)) return undefined;
    const names = new Set<string>([owner.toLowerCase()]);
    if (GENERIC_ORG.test(owner.replace(/^the\s+/i, ''))) names.add(ORG_OWNER);
    const p = parseSpeaker(/^[a-z]/.test(owner) ? 'the ' + owner : owner);
    if (p) {
      const e = p.kind === 'description' ? this.reg.resolveDescription(p, d.cueStart) : p.kind === 'name' ? this.reg.entities.find((x) => x.name.toLowerCase() === p.name.toLowerCase() || x.aliases.has(p.name.toLowerCase())) ?? null : null;
      if (e && e !== d.entity) {
        names.add(e.name.toLowerCase());
        for (const a of e.aliases) names.add(a);
      }
    }
    return [...names];
  }

  private merge(into: Draft, from: Draft, preferInto = false): void {
    into.mentions.push(...from.mentions);
    into.rel.push(...from.rel);
    for (const v of from.via) if (!into.via.includes(v)) into.via.push(v);
    if (!into.medium && from.medium) into.medium = from.medium;
    if (from.saidAt && (!into.saidAt || (rangeWidth(from.saidAt) < rangeWidth(into.saidAt) && !preferInto))) into.saidAt = from.saidAt;
    if (!preferInto && tokens(from.content).length > tokens(into.content).length && from.entity === into.entity && into.nominal) {
      into.content = from.content;
      into.contentSpans = from.contentSpans;
    }
    from.dead = true;
    // relations that pointed at `from` now point at `into`
    for (const d of this.drafts) for (const r of d.rel) if (r.explicitTarget === from) r.explicitTarget = into;
  }

  /** The attribution words of a statement (its sentence outside the content). */
  zoneOf(d: Draft): string {
    return this.zoneText(d);
  }

  private zoneText(d: Draft): string {
    return d.zone.map((z) => this.tm.masked.slice(z.start, z.end)).join(' … ');
  }

  private assignMedium(d: Draft): void {
    if (d.medium) return;
    const z = this.zoneText(d) + ' ' + d.cue;
    for (const [re, med] of MEDIUM_PATTERNS) {
      if (re.test(z)) {
        if (med === 'none') return;
        d.medium = med;
        break;
      }
    }
    // told <outlet> → interview via outlet
    const told = /\b(?:told|telling|interview with|asked by|speaking to|said to)\s+((?:(?:public|state|national|private|local|the|broadcaster|newspaper|daily|news site|radio|television|station|channel)\s+)*)((?:[A-Z][\p{L}'’&.-]*\s?){1,5})/u.exec(z);
    if (told) {
      const name = collapse(told[2]).replace(/['’]s$/, '').replace(/\s(?:in|on|by|that|at)$/, '');
      if (this.isOutlet(name) && !this.isAgency(name)) {
        if (!d.via.includes(name)) d.via.unshift(name);
        if (!d.medium || d.medium === 'briefing') d.medium = 'interview';
      } else if (this.isAgency(name) && d.medium === 'interview') d.medium = null;
    }
    if (d.medium === 'interview' && !d.via.length && !/\binterview\b/i.test(z)) d.medium = null;
  }

  /** Exact days named outside quotations, in text order (absolute offsets): anchors for "two days later", "later that day". */
  private textDatesCache: Array<{ at: number; ms: number }> | null = null;

  private textDates(): Array<{ at: number; ms: number }> {
    if (this.textDatesCache) return this.textDatesCache;
    const out: Array<{ at: number; ms: number }> = [];
    for (const s of this.tm.sentences) {
      const t = this.outsideQuotes(s.start, s.end);
      if (!DATE_HINT.test(t)) continue;
      for (const f of findDates(t, this.itemDay)) {
        if (!f.exact || !f.range.from || isBoundaryDate(t, f.index)) continue;
        out.push({ at: s.start + f.index, ms: Date.parse(f.range.from + 'T00:00:00Z') });
      }
    }
    this.textDatesCache = out;
    return out;
  }

  /** `[a, b)` of the masked text with quotations blanked (same length). */
  private outsideQuotes(a: number, b: number): string {
    let t = this.tm.masked.slice(a, b);
    for (const q of this.quotesIn(a, b)) {
      const qa = q.start - a;
      const qb = Math.min(b, q.end) - a;
      t = t.slice(0, qa) + ' '.repeat(qb - qa) + t.slice(qb);
    }
    return t;
  }

  /** The last exact day named before `pos`, or null. */
  private anchorBefore(pos: number): number | null {
    let best: number | null = null;
    for (const x of this.textDates()) if (x.at < pos) best = x.ms;
    return best;
  }

  /**
   * The news day of the item: the single day the lede puts its news on
   * ("... said on Wednesday" in the first paragraph). A plain "said" later in
   * the story reports that day's statements unless its own words date it.
   */
  newsDay(): DayRange | null {
    if (this.newsDayCache !== undefined) return this.newsDayCache;
    this.newsDayCache = null;
    const p0 = this.tm.paragraphs[0];
    if (!p0) return null;
    // the lede's own day first; the dateline's date ("OSTMERE, March 7 (Agency) -") when the lede names none
    for (const from of [Math.max(p0.start, this.tm.datelineEnd), p0.start]) {
      const t = this.outsideQuotes(from, p0.end);
      for (const f of findDates(t, this.itemDay)) {
        if (!f.exact || isBoundaryDate(t, f.index)) continue;
        this.newsDayCache = f.range;
        return f.range;
      }
    }
    return null;
  }

  private newsDayCache: DayRange | null | undefined = undefined;

  private assignDate(d: Draft): void {
    if (d.saidAt) return;
    const z = this.zoneText(d).replace(RELATIVE_CLAUSE, (x) => ' '.repeat(x.length));
    const anchor = ANCHORED.test(z) || ANCHORED.test(d.content) ? this.anchorBefore(d.cueStart) : null;
    const found = findDates(z, this.itemDay, anchor).filter((f) => !isBoundaryDate(z, f.index));
    if (found.length) {
      // the narrowest range found in the attribution
      const best = found.sort((a, b) => rangeWidth(a.range) - rangeWidth(b.range))[0];
      d.saidAt = best.range;
      return;
    }
    if (d.perfect) {
      d.saidAt = { from: null, to: isoDay(this.itemDay) };
      return;
    }
    // a dated event in the content: from that day to the item date
    const c = this.contentText(d.contentSpans.filter((sp) => !this.inQuote(sp.start)));
    const inContent = findDates(c, this.itemDay, anchor).filter((f) => f.range.from && !isBoundaryDate(c, f.index));
    if (inContent.length && d.kind !== 'direct') {
      const f = inContent[0];
      if (f.exact) d.saidAt = { from: f.range.from, to: isoDay(this.itemDay) };
      else d.saidAt = f.range;
      d.dateFromContent = true;
    }
  }
}

/** A finite auxiliary or copula: a clause ("The deal is off"), which the POS tagger marks AUX rather than VERB. */
const FINITE_AUX = /\b(?:is|are|was|were|will|would|has|have|had|can|could|must|should|may|might|isn't|aren't|wasn't|weren't|won't|hasn't|haven't|can't)\b/i;

/** A transcript line opened by a dash ("— No, not this year."). */
const DASH_LINE = /^\s*[—–]\s*/;
/** An inverted attribution inside a line ("…, replied Henrik Aasgaard", "…? asked deputy Ruta Mikalauskė"). */
const INVERTED_ATTRIBUTION = /[,?!]\s+(?:said|says|replied|replies|answered|asked|asks|added|told|insisted|responded)\s+(?:\p{Lu}|the\s|a\s|an\s|deputy\s|minister\s)/u;
/** A Q&A transcript line: "Q:", "A:", "Question:", "Answer:" (group 1 the marker). */
const QA_LINE = /^\s*(Q|A|Question|Answer)\s*[:.]\s+/;

/** Expressions counted from an earlier day ("two days later", "the next day", "later that day"). */
const ANCHORED = /\b(?:days? (?:later|earlier|before|after)|(?:next|following|previous|same) day|day (?:after|before)|that day|later in the day)\b/i;

/** A relative clause set off by commas ("NightKettle, which posted its claim on Sunday, said"): its dates are not the statement's. */
const RELATIVE_CLAUSE = /,\s*(?:who|which|whose)\b[^,…]*,/g;
const DATE_HINT = /\b(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tonight|morning|week|month|year|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d|\bthe (?:next|following|same|day)|that day|later|earlier/i;
/** Words before a date that make it a boundary or a future plan, not the day something was said ("since Tuesday", "until Friday", "would meet on Saturday"). */
const BOUNDARY_BEFORE = /(?:\b(?:since|until|till|by|before|ahead of|through|from|starting|beginning|next)\s+(?:(?:late|early)\s+)?(?:on\s+)?|\b(?:would|will|shall|due|expected|scheduled|planned|plans|going)\b(?:\s+[\p{L}'’-]+){0,5}\s+)$/iu;

function isBoundaryDate(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 60), index).split(/[,;:.…]/).pop() ?? '';
  return BOUNDARY_BEFORE.test(before + ' ');
}

/** Names a statement's speaker as the corpus does: canonical name of the entity. */
function speakerKey(name: string): string {
  return contentKey(name);
}

/**
 * Extract the statements of one item version.
 *
 * @param item a normalized wire item; a canceled item (pubstatus `canceled`) yields no statements.
 * @param ctx the story so far: earlier statements (for cross-item relations)
 *   and known speakers (for alias and misspelling merging). Optional.
 * @returns statements with deterministic ids (`statementId(uri, speakerKey,
 *   contentKey(content))`), UTF-16 mention offsets into `body_text`, and
 *   relations whose targets are statementIds of this item or of `ctx.storyStatements`.
 */
export function extract(item: WireItem, ctx: ExtractionContext = { storyStatements: [], knownSpeakers: [] }): ExtractionResult {
  if (item.pubstatus === 'canceled' || !item.body_text) return { extractor: EXTRACTOR, statements: [] };
  // memos live for one item only
  clearDateMemo();
  clearSpeakerMemo();
  tokenCache.clear();
  contentWordsCache.clear();
  roleWordsMemo.clear();
  properWordsMemo.clear();
  const ex = new ItemExtractor(item, ctx);
  const drafts = ex.run().filter((d) => d.content && tokens(d.content).length >= 2);
  drafts.sort((a, b) => Math.min(...a.mentions.map((m) => m.start)) - Math.min(...b.mentions.map((m) => m.start)) || a.cueStart - b.cueStart);
  // ids
  const ids = new Map<Draft, string>();
  const seen = new Set<string>();
  const kept: Draft[] = [];
  for (const d of drafts) {
    const id = statementId(item.uri, speakerKey(d.entity.name), contentKey(d.content));
    if (seen.has(id)) continue;
    seen.add(id);
    ids.set(d, id);
    kept.push(d);
  }
  // a speaker usually makes several statements: one id per name
  const speakerIds = new Map<string, string>();
  const speakerIdOf = (name: string) => {
    let id = speakerIds.get(name);
    if (id === undefined) speakerIds.set(name, (id = speakerIdFor(name)));
    return id;
  };
  const statements: ExtractedStatement[] = kept.map((d) => ({
    statementId: ids.get(d)!,
    source: { name: d.entity.name, type: d.entity.type, role: d.entity.role, speakerId: speakerIdOf(d.entity.name) },
    cue: d.cue,
    content: d.content,
    kind: d.kind,
    medium: d.medium,
    via: d.via,
    saidAt: d.saidAt,
    mentions: dedupeMentions(d.mentions),
    relations: [],
  }));
  // relations
  const story = ctx.storyStatements;
  const resolved = new Map<string, ExtractedRelation[]>();
  for (const k of story) if (k.relations) resolved.set(k.statementId, k.relations);
  for (let i = 0; i < kept.length; i++) {
    const d = kept[i];
    const out: ExtractedRelation[] = [];
    const push = (type: RelationType, target: string | null) => {
      if (target && target !== statements[i].statementId && !out.some((o) => o.target === target && o.type === type)) out.push({ type, target });
    };
    for (const r of d.rel) {
      let target: string | null = null;
      if (r.owner?.[0] === '*both*') {
        // both sides of the latest contradiction before it in the item
        for (let j = i - 1; j >= 0; j--) {
          const c = statements[j].relations.find((x) => x.type === 'contradicts');
          if (!c || !kept.some((k) => ids.get(k) === c.target)) continue;
          push(r.type, c.target);
          push(r.type, statements[j].statementId);
          break;
        }
        continue;
      }
      const followed = r.follow && ids.has(r.follow) ? statements[kept.indexOf(r.follow)]?.relations.find((x) => x.type === r.type) : undefined;
      if (followed) target = followed.target;
      else if (r.explicitTarget && ids.has(r.explicitTarget) && r.explicitTarget !== d) target = ids.get(r.explicitTarget)!;
      else target = findTarget(d, r, kept, ids, story, i, ex);
      push(r.type, target);
      // correcting one's own denial backs what was denied
      if (target && r.type === 'corrects') for (const x of resolved.get(target) ?? []) if (x.type === 'contradicts') push('supports', x.target);
    }
    statements[i].relations = out;
    resolved.set(statements[i].statementId, out);
  }
  return { extractor: EXTRACTOR, statements };
}

function dedupeMentions(ms: Span[]): Span[] {
  const out: Span[] = [];
  for (const m of [...ms].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && m.start < last.end) {
      last.end = Math.max(last.end, m.end);
      continue;
    }
    out.push({ start: m.start, end: m.end });
  }
  return out;
}

const STOP = new Set(
  'the a an of to in on at for and or but that this it its is was were be been had has have with by from as he she they his her their we our i not no would will could should may might can did do does said says told about than then there which who what when so if into over after before more most very also just all any some us me my them him you your'.split(' '),
);

const contentWordsCache = new Map<string, Set<string>>();

function contentWords(s: string): Set<string> {
  const hit = contentWordsCache.get(s);
  if (hit) return hit;
  if (contentWordsCache.size > 4096) contentWordsCache.clear();
  const out = new Set<string>();
  contentWordsCache.set(s, out);
  for (const t of tokens(s)) if (t.length > 2 && !STOP.has(t)) out.add(t.length > 5 ? t.slice(0, 5) : t);
  return out;
}

/** Does `hay` hold `needle` as whole words (both lower case)? */
function containsWord(hay: string, needle: string): boolean {
  if (!needle) return false;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    const before = i > 0 ? hay[i - 1] : ' ';
    const after = hay[i + needle.length] ?? ' ';
    if (!WORD_CHAR.test(before) && before !== '_' && !WORD_CHAR.test(after) && after !== '_') return true;
  }
  return false;
}

/** Five-letter stems of the capitalised words of a name ("Swedish foreign ministry" → swedi). */
function stemsOf(name: string): Set<string> {
  const out = new Set<string>();
  for (const w of name.match(/\p{Lu}[\p{L}'’-]*/gu) ?? []) if (w.length >= 4 && !NOT_NAME.has(w.toLowerCase())) out.add(w.toLowerCase().slice(0, 5));
  return out;
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let n = 0;
  for (const t of a) if (b.has(t)) n++;
  return n / Math.sqrt(a.size * b.size);
}

interface Candidate {
  id: string;
  speaker: string;
  aliases: string[];
  role: string | null;
  via: string[];
  medium: Medium | null;
  cue: string;
  content: string;
  /** 0 for the story's earlier items, else 1 + position in the item */
  order: number;
  para: number;
  /** the attribution words around it ("lodged a protest", "in a letter"), when known */
  zone: string;
  /** reported through someone else (a via chain) */
  relayed: boolean;
  type: string;
  /** how many places report it (a statement restated in the lede is the story's main claim) */
  mentions: number;
  draft: Draft | null;
  contradictsSpeaker: (name: string) => boolean;
}

/** Owner marker: a generic organisation noun ("the group's claim", "the company's admission"). */
const ORG_OWNER = '*organisation*';
const GENERIC_ORG = /^(?:group|company|firm|organi[sz]ation|operator|ministry|government|authority|union|agency|council|association|federation|party|regulator)$/i;

/** Does `role` name (a word of) the organisation `name`? ("Alvora spokeswoman" / "Alvora Bank") */
function sharesName(role: string | null, name: string): boolean {
  if (!role) return false;
  const words = roleWordsOf(role);
  for (const w of properWordsOf(name)) if (words.has(w)) return true;
  return false;
}

/** Memos of {@link roleWordsOf} and {@link properWordsOf} (cleared per item). */
const roleWordsMemo = new Map<string, Set<string>>();
const properWordsMemo = new Map<string, string[]>();

/** The words of a role, up to any relative clause (a word after a hyphen counts: "pro-Alvora"; one before it does not: "Alvora-owned"). */
function roleWordsOf(role: string): Set<string> {
  let words = roleWordsMemo.get(role);
  if (words) return words;
  words = new Set<string>();
  for (const t of role.toLowerCase().replace(ROLE_RELATIVE, '').split(/[\s'’]+/)) {
    if (!t) continue;
    words.add(t);
    const i = t.lastIndexOf('-');
    if (i >= 0) words.add(t.slice(i + 1));
  }
  roleWordsMemo.set(role, words);
  return words;
}

/** The proper words of a name: "Danish Foreign Minister" is not affiliated with "Swedish foreign ministry". */
function properWordsOf(name: string): string[] {
  let words = properWordsMemo.get(name);
  if (words) return words;
  words = name
    .split(/\s+/)
    .filter((w) => /^\p{Lu}/u.test(w) && !TITLE_WORDS.has(w.toLowerCase()) && !ORG_HEADS.has(w.toLowerCase()))
    .map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((w) => w.length >= 4 && !/^(?:the|of|and|for)$/.test(w));
  properWordsMemo.set(name, words);
  return words;
}

function ownerMatches(owner: string[], c: Candidate): boolean {
  if (owner.includes(ORG_OWNER) && c.type === 'organization' && c.medium !== 'report') return true;
  const hay = [c.speaker, ...c.aliases, c.role ?? '', ...c.via].map((x) => x.toLowerCase());
  return owner.some((o) => {
    const stem = o.replace(/^the\s+/, '').replace(/(?:es|s)$/, '');
    if (stem.length < 3) return false;
    return hay.some((h) => h === o || new RegExp(`(?:^|\\s)${stem.replace(/[^\p{L}\p{N} -]/gu, '')}`, 'u').test(h));
  });
}

/** What a referring noun says about its target's medium or cue ("the report", "the claim", "the letter"). */
function nounFits(ref: string, c: Candidate): number {
  const r = ref.toLowerCase();
  if (/\breport(?:ing|s)?\b|\bstory\b/.test(r)) return c.medium === 'report' || c.via.length > 0 ? 0.3 : 0;
  if (/\bclaims?\b|\ballegations?\b|\baccusations?\b/.test(r)) return /claim|alleg|accus/.test(c.cue) ? 0.3 : 0;
  if (/\bletter\b/.test(r)) return c.medium === 'letter' ? 0.3 : 0;
  if (/\btweet\b|\bpost\b/.test(r)) return c.medium === 'tweet' || c.medium === 'social post' ? 0.3 : 0;
  if (/\blawsuit\b|\bfiling\b|\bcase\b/.test(r)) return c.medium === 'court filing' ? 0.3 : 0;
  if (/\bfigures\b/.test(r)) return /\d/.test(c.content) ? 0.1 : 0;
  return 0;
}

/**
 * The statement a relation points at. Candidates: earlier statements of the
 * item and the story's earlier statements — of the same speaker for
 * corrects/retracts, of other speakers otherwise. A named owner ("the
 * minister's remarks") narrows them to that speaker; the referring noun
 * ("the report", "the claim") and the overlap of content words (with the
 * statement and any question it answers) rank them; nearer in the item wins
 * ties. A relation read only from the statement's own words needs an owner
 * or real overlap; a relation cue ("denied", "rejected") falls back to the
 * nearest earlier statement of another speaker.
 */
function findTarget(d: Draft, r: RelHint, kept: Draft[], ids: Map<Draft, string>, story: KnownStatement[], index: number, ex: ItemExtractor): string | null {
  const same = r.type === 'corrects' || r.type === 'retracts';
  const name = d.entity.name.toLowerCase();
  const isSame = (speaker: string) => speaker.toLowerCase() === name || d.entity.aliases.has(speaker.toLowerCase());
  // a speaker may deny what someone else reported them as saying ("I never promised anything of the kind")
  const eligible = (sameSpeaker: boolean, relayed: boolean) => (same ? sameSpeaker : !sameSpeaker || (r.type === 'contradicts' && relayed));
  const cands: Candidate[] = [];
  for (const k of story) {
    if (!eligible(isSame(k.speaker), (k.via ?? []).length > 0)) continue;
    cands.push({
      id: k.statementId,
      speaker: k.speaker,
      aliases: [],
      role: k.role,
      via: k.via ?? [],
      medium: k.medium ?? null,
      cue: k.cue ?? '',
      content: k.content,
      order: 0,
      para: -10,
      zone: k.cue ?? '',
      relayed: (k.via ?? []).length > 0,
      type: k.speakerType,
      mentions: 1,
      draft: null,
      contradictsSpeaker: () => false,
    });
  }
  for (let j = 0; j < index; j++) {
    const o = kept[j];
    if (o === d || !eligible(o.entity === d.entity, o.via.length > 0)) continue;
    cands.push({
      id: ids.get(o)!,
      speaker: o.entity.name,
      aliases: [...o.entity.aliases],
      role: o.entity.role,
      via: o.via,
      medium: o.medium,
      cue: o.cue,
      content: o.content,
      order: 1 + j,
      para: o.para,
      zone: ex.zoneOf(o),
      relayed: o.via.length > 0,
      type: o.entity.type,
      mentions: o.mentions.length,
      draft: o,
      contradictsSpeaker: (n) => o.rel.some((x) => x.type === 'contradicts') && n === d.entity.name,
    });
  }
  // a spokesperson speaks for their organisation: neither answers the other
  const affiliated = (c: Candidate) => !same && (sharesName(c.role, d.entity.name) || sharesName(d.entity.role, c.speaker));
  for (let j = cands.length - 1; j >= 0; j--) if (affiliated(cands[j])) cands.splice(j, 1);
  if (!cands.length) return null;
  if (r.owner && r.owner[0] === '*disputer*') {
    const hit = [...cands].reverse().find((c) => c.contradictsSpeaker(d.entity.name));
    return hit ? hit.id : null;
  }
  const head = r.ref ? (/([\p{L}-]+)\s*$/u.exec(r.ref)?.[1] ?? '').toLowerCase() : '';
  // "rejected the protest": the words of the sentence that introduced the protest tell what it was about
  const referent = head.length > 3 && !/^(?:claims?|reports?|remarks?|comments?|statements?)$/.test(head) ? ex.referentContext(head, d) : '';
  const want = contentWords(d.content + ' ' + (r.ref ?? '') + ' ' + ex.questionOf(d) + ' ' + referent);
  // ... and who made it: the subject of that sentence ("Chile summoned the ambassador to protest")
  const referentOwner = referent ? stemsOf(/^\s*(?:[^,]*,\s*)?((?:[A-Z][\p{L}'’-]*\s?)+)/u.exec(referent.replace(/^[^(]*\([^)]*\)\s*[-–—]+\s*/, ''))?.[1] ?? '') : new Set<string>();
  const dayRef = findDayIn(d.content, ex);
  const cited = r.cited ? tokens(r.cited).join(' ') : '';
  const incoming = new Map<string, number>();
  for (const k of story) for (const x of k.relations ?? []) incoming.set(x.target, (incoming.get(x.target) ?? 0) + 1);
  const posted = /\b(?:posted|tweeted|in (?:a|its|their|his|her) post)\b/i.test(d.content);
  // the referring noun in a candidate's attribution words: one regex for all candidates
  const headRe = head.length > 3 && !/^(?:claims?|reports?)$/.test(head) ? new RegExp(`\\b${head.replace(/s$/, '')}`, 'i') : null;
  // the first known statement of each id (as a search from the start finds it)
  const storyById = dayRef ? new Map<string, KnownStatement>() : null;
  if (storyById) for (const k of story) if (!storyById.has(k.statementId)) storyById.set(k.statementId, k);
  const score = (c: Candidate) => {
    let f = overlap(want, contentWords(c.content));
    if (r.ref) f += nounFits(r.ref, c);
    if (posted && (c.medium === 'social post' || c.medium === 'tweet')) f += 0.2;
    if (cited && tokens(c.content).join(' ').includes(cited)) f += 0.6;
    // the claim at the centre of the story (others already answer it) is what a bare "confirmed" or "denied" is about
    f += Math.min(0.15, 0.05 * (incoming.get(c.id) ?? 0));
    if (referentOwner.size && [...stemsOf(c.speaker + ' ' + (c.role ?? ''))].some((x) => referentOwner.has(x))) f += 0.3;
    if (headRe && headRe.test(c.zone)) f += 0.3;
    if (dayRef && c.draft === null && c.speaker && (c as Candidate).content && dayIn(dayRef, storyById!.get(c.id)?.saidAt ?? null)) f += 0.3;
    return f;
  };
  const pick = (pool: Candidate[], prefer: 'first' | 'last') => {
    let best: { c: Candidate; f: number } | null = null;
    for (const c of pool) {
      const f = score(c);
      if (!best || f > best.f + 1e-9 || (Math.abs(f - best.f) <= 1e-9 && prefer === 'last')) best = { c, f };
    }
    return best;
  };
  if (same) {
    // corrects / retracts: the speaker's statement in an earlier item first, then earlier in this one
    const earlierItems = cands.filter((c) => c.order === 0);
    const best = pick(earlierItems.length ? earlierItems : cands, 'first');
    return best ? best.c.id : null;
  }
  if (r.owner && r.owner.length) {
    // a named owner: that speaker's statement, in this item first (the one it discusses), the first such when nothing else tells them apart
    const owned = cands.filter((c) => ownerMatches(r.owner!, c));
    if (!owned.length) return null;
    const here = owned.filter((c) => c.order > 0);
    const best = pick(here.length ? here : owned, 'first');
    return best ? best.c.id : null;
  }
  let pool = cands;
  if (cited) {
    // a cited phrase points at the statement that said it, or at nothing
    pool = cands.filter((c) => tokens(c.content).join(' ').includes(cited));
    if (!pool.length) return null;
  }
  const mentioned = r.weak && !cited ? ex.speakersNamedIn(d) : [];
  if (mentioned.length) {
    const hit = cands.filter((c) => ownerMatches(mentioned, c));
    if (hit.length) pool = hit;
  }
  let best: { c: Candidate; f: number } | null = null;
  for (const c of pool) {
    let f = score(c);
    // nearer wins ties; among one named speaker's statements the first (the claim itself) wins them
    if (c.order > 0) f += 0.02 + (d.para - c.para <= 2 ? 0.05 : 0) + (pool === cands ? c.order : -c.order) * 0.001;
    if (c.mentions > 1) f += 0.08;
    if (!best || f > best.f) best = { c, f };
  }
  if (!best) return null;
  if (best.c.order > 0 && !cited) {
    // a speaker's claim comes first and its quotes elaborate it: an answer to that speaker points at the claim
    const b = best.c;
    const bs = score(b);
    const first = pool.find((c) => c.order > 0 && c.order < b.order && c.speaker === b.speaker && Math.abs(c.para - b.para) <= 1 && score(c) >= bs - 0.05);
    if (first) best = { c: first, f: best.f };
  }
  if (best.f >= 0.22 || pool !== cands) return best.c.id;
  if (r.weak) {
    // a verdict with no named target: the claim just before it, from another speaker
    const near = [...cands].reverse().find((c) => c.order > 0 && d.para - c.para <= 1 && !c.relayed);
    return near && r.type !== 'responds_to' ? near.id : null;
  }
  const near = [...cands].reverse().find((c) => c.order > 0);
  // the nearest speaker answered; of that speaker's statements the best-matching one (their claim, not a later aside)
  if (near && best.c.order > 0 && best.c.speaker === near.speaker) return best.c.id;
  return near ? near.id : best.c.id;
}

/** A day a statement's words name ("what I said on Monday"), as a range, or null. */
function findDayIn(text: string, ex: ItemExtractor): DayRange | null {
  const f = findDates(text, ex.itemDay).find((x) => x.exact);
  return f ? f.range : null;
}

function dayIn(a: DayRange, b: DayRange | null): boolean {
  if (!b || !a.from) return false;
  return (!b.from || b.from <= a.from) && (!b.to || a.from <= b.to);
}

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
import { hasVerb, tag, type Tagged } from './nlp';
import { CUE_FORMS, MEDIUM_PATTERNS, OBJECT_ONLY_CUES, RELATION_OF_CUE, STATEMENT_NOUNS, WEAK_CUES } from './lexicon';
import { parseSpeaker, SpeakerRegistry, isOutletName, genderOf, type Entity, type ParsedSpeaker } from './speakers';
import { findDates, isoDay, itemDayMs, rangeWidth } from './dates';
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
}

/** "the Journal overstated …", "The Gazette's story is simply wrong". */
const CALLS_WRONG =
  /(?:^|\b)(?:((?:the\s+)?[A-Z][\p{L}'’-]*(?:\s[A-Z][\p{L}'’-]*){0,3})\s+(?:had\s+|has\s+)?(?:overstated|understated|exaggerated|misrepresented|distorted|misreported|got it wrong)|((?:the\s+)?[A-Z][\p{L}'’-]*(?:\s[A-Z][\p{L}'’-]*){0,3})['’]s?\s+(?:story|report|reporting|account|claim|claims|figures|version)\s+(?:is|was|are|were|had been)\s+(?:simply\s+|completely\s+|totally\s+|just\s+)?(?:wrong|false|untrue|inaccurate|incorrect|misleading|mistaken|speculation))\b/u;
const DAY_NAMES = /\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b/i;
const SUBORDINATORS = /\b(?:after|before|because|while|when|although|though|whereas|until|since|as|despite|once|if|unless)\s+$/i;
const REPORT_NOUN_RE = new RegExp(`\\b(?:${STATEMENT_NOUNS})\\b`, 'i');
const REFERENCE_OBJECT = new RegExp(
  `^(?:the|a|an|his|her|its|their|that|this|these|those|[A-Z][\\p{L}'’-]*(?:\\s[A-Z][\\p{L}'’-]*)*['’]s?)?\\s*(?:[\\p{L}'’-]+\\s+){0,3}(?:${STATEMENT_NOUNS}|protest|lawsuit|reports|figures|account|story|version|accusation|accusations|allegations|charge|charges|idea|suggestion|findings|remark|proposal|offer)\\b`,
  'iu',
);

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function tokens(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/’/g, "'")
    .match(/[\p{L}\p{N}_]+/gu) ?? [];
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
  readonly tg: Tagged;
  readonly reg: SpeakerRegistry;
  readonly itemDay: number;
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
    this.tg = tag(this.tm.masked);
    this.reg = new SpeakerRegistry(ctx.knownSpeakers);
    this.itemDay = itemDayMs(item.firstcreated);
    this.agency = this.tm.agency ?? (/\(([^)]+)\)/.exec(item.byline ?? '')?.[1] ?? null);
    this.collectOutlets();
  }

  private collectOutlets(): void {
    const m = this.tm.masked;
    const re = /\b(?:broadcaster|newspaper|news site|news website|website|outlet|magazine|channel|station|daily|weekly|tabloid|news agency|agency|television|radio)\s+((?:[A-Z][\p{L}'’&.-]*\s?){1,5})/gu;
    let x: RegExpExecArray | null;
    while ((x = re.exec(m))) this.outlets.add(collapse(x[1]).replace(/['’]s$/, '').toLowerCase());
    const acr = /((?:[A-Z][\p{L}'’&.-]*\s){1,5})\(([A-Z]{2,6})\)/gu;
    while ((x = acr.exec(m))) {
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

  quotesIn(a: number, b: number): Quote[] {
    return this.tm.quotes.filter((q) => q.start >= a && q.start < b);
  }

  run(): Draft[] {
    for (const s of this.tm.sentences) this.sentence(s);
    this.transcriptLines();
    this.postProcess();
    return this.drafts.filter((d) => !d.dead);
  }

  // ---------------------------------------------------------------- cues
  private findCues(s: Sentence): Cue[] {
    const m = this.tm.masked;
    const text = m.slice(s.start, s.end);
    const out: Cue[] = [];
    const re = /[A-Za-z]+(?:n't)?/g;
    let x: RegExpExecArray | null;
    const words: Array<{ w: string; i: number }> = [];
    while ((x = re.exec(text))) words.push({ w: x[0], i: s.start + x.index });
    const nominalSpans: Span[] = [];
    const nre = new RegExp(`(?:\\b(?:an?|the)\\s+(?:[a-z]+\\s+)?(?:${STATEMENT_NOUNS})\\s+(?:from|by)\\s+(?:[A-Z][\\p{L}'’.-]*\\s*){1,6}?|[A-Z][\\p{L}.-]*['’]s?\\s+(?:[a-z]+\\s+)?(?:${STATEMENT_NOUNS})\\s+)(?:(?:late |early )?on \\w+day\\s+)?that\\s+[^,;]*`, 'gu');
    let nx: RegExpExecArray | null;
    while ((nx = nre.exec(text))) nominalSpans.push({ start: s.start + nx.index, end: s.start + nx.index + nx[0].length });
    for (let k = 0; k < words.length; k++) {
      const { w, i } = words[k];
      if (this.inQuote(i)) continue;
      if (nominalSpans.some((sp) => i >= sp.start && i < sp.end)) continue;
      const lw = w.toLowerCase();
      let base = CUE_FORMS.get(lw);
      let end = i + w.length;
      if (!base && (lw === 'called' || lw === 'calls') && words[k + 1] && /^(?:on|for)$/i.test(words[k + 1].w)) {
        base = 'call';
        end = words[k + 1].i + words[k + 1].w.length;
      }
      if (!base && lw === 'according' && words[k + 1]?.w.toLowerCase() === 'to') {
        base = 'according';
        end = words[k + 1].i + 2;
      }
      if (!base) continue;
      const prev = words.slice(Math.max(0, k - 3), k).map((p) => p.w.toLowerCase());
      const p1 = prev[prev.length - 1] ?? '';
      const p2 = prev.slice(-2).join(' ');
      if (base !== 'according') {
        if (/^(?:to|not|never|would|could|might|may|will|should|must|cannot|can|what|whom)$/.test(p1) || /n't$/.test(p1)) continue;
        if (/^(?:declined to|refused to|did not|does not|do not|has not|have not|had not|could not|would not|was not|were not)$/.test(p2)) continue;
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
      const e = this.reg.resolvePronoun(p.pronoun!, pos);
      if (!e) return null;
      this.reg.touch(e, pos);
      return { entity: e, anaphoric: true };
    }
    if (p.kind === 'description') {
      if (p.type === 'anonymous' || p.type === 'group') return { entity: this.reg.registerDescription(p, pos), anaphoric: false };
      const e = this.reg.resolveDescription(p, pos);
      if (e) {
        this.reg.touch(e, pos);
        return { entity: e, anaphoric: true };
      }
      // an unresolved role noun: keep the description ("the mayor")
      if (/^(?:statement|post|letter|report|filing|video)$/.test(p.head ?? '')) return null;
      return { entity: this.reg.registerDescription(p, pos), anaphoric: false };
    }
    const e = this.reg.resolveName(p, pos);
    return { entity: e, anaphoric: false };
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
    return /^\s*(?:In|On|At|During|After|Before|Speaking|Asked|According|Late|Early|Earlier|Later|Last|Meanwhile|However|But|And|Under|For|With|Without|Like|Unlike|Despite|While|When|Although|As|By|From|Separately|Also|Instead|Elsewhere|Since|Until|Writing|Responding|Answering|Addressing|Interviewed|Standing|Yesterday|Today|Tonight|Overnight|Now|Still|Then|Instead|Once|Two|Three|Four|Five)\b/.test(
      t,
    ) || DAY_NAMES.test(t.split(/\s+/).slice(0, 3).join(' ')) && t.split(/\s+/).length <= 4;
  }

  /**
   * Subject of a cue from the text on its left ([a, cueStart)): appositive
   * structures ("Jonas Lind, the authority's operations director, said"),
   * preambles ("In a statement on Monday, the ministry said"), relative
   * clauses ("Brecken, who said ..."). Returns the subject span text and role.
   */
  private leftSubject(a: number, cueStart: number, relative: boolean): { np: string; role: string | null; npStart: number; contentBefore: Span | null } | null {
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
        if (/^(?:the|a|an|its|his|her|their)\b/i.test(rt) && !/^(?:who|which)\b/i.test(rt) && rt.split(/\s+/).length <= 12) role = rt.replace(/^(?:the|a|an)\s+/i, '');
        else if (/^[a-z]/.test(rt) && /\b(?:secretary|director|minister|spokes|chief|head|president|lawyer|officer|chair|manager|editor|leader|founder|member)\w*/i.test(rt) && !/^(?:who|which)\b/.test(rt)) role = rt;
        // "the union's general secretary, Maren Lind, declined": role first, then name
        const p1 = parseSpeaker(np);
        const p2 = parseSpeaker(rt);
        if (p1 && p1.kind === 'description' && p2 && p2.kind === 'name' && p2.type === 'person') {
          return { np: rt, role: np.replace(/^(?:the|a|an)\s+/i, ''), npStart: next.start, contentBefore: null };
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

  /** Subject after an inverted cue: `“…,” said the minister` / `said Nadia Fairbrother, the lawyer for …`. */
  private rightSubject(cueEnd: number, sentEnd: number): { np: string; role: string | null; end: number } | null {
    const m = this.tm.masked;
    const segs = this.segments(cueEnd, sentEnd);
    const first = segs[0];
    const np = this.cleanNP(first.start, first.end).replace(/[.!?]+$/, '');
    if (!np || np.split(/\s+/).length > 8) return null;
    if (/^(?:that|on|in|at|to|by|it was|the (?:government|authority) (?:had|would|was))\b/i.test(np)) return null;
    if (hasVerb(this.tg, first.start, first.end)) return null;
    let role: string | null = null;
    let end = first.end;
    if (segs[1]) {
      const rt = collapse(m.slice(segs[1].start, segs[1].end)).replace(/[.!?]+$/, '');
      if (/^(?:the|a|an)\b/i.test(rt) && !/^(?:the|a|an)\s+\w+\s+(?:said|told)/i.test(rt)) {
        role = rt.replace(/^(?:the|a|an)\s+/i, '');
        end = segs[1].end;
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
        if (!/\bthat\b/.test(between) && !hasVerb(this.tg, cue.end, pos, new Set(['speaking']))) return { start: pos, colonQuote: this.tm.quotes[qi], hasThat: false };
      }
    }
    const th = /\bthat\b/.exec(rest);
    if (th) {
      const at = cue.end + th.index;
      if (!this.inQuote(at) && !hasVerb(this.tg, cue.end, at, new Set(['citing', 'speaking'])) && !/[.;]/.test(m.slice(cue.end, at)) && m.slice(cue.end, at).split(/\s+/).length <= 16) {
        return { start: at + 4, colonQuote: null, hasThat: true };
      }
    }
    // colon + plain text
    const colon = /^[^.;"“]{0,80}?:\s+/.exec(rest);
    if (colon && !hasVerb(this.tg, cue.end, cue.end + colon.index)) return { start: cue.end + colon[0].length, colonQuote: null, hasThat: true };
    // skip adverbials right after the cue
    let p = cue.end;
    const adv =
      /^\s*,?\s*(?:(?:late |early |later |earlier )?(?:on |last |this )?(?:mon|tues|wednes|thurs|fri|satur|sun)day(?: (?:morning|afternoon|evening|night))?|this week|last week|yesterday|today|later|earlier|also|again|separately|repeatedly|in (?:a|an|the) (?:[\w'-]+ ){0,3}(?:statement|interview|post|letter|video|filing|briefing|speech|address)(?: (?:on|to|with) [\w' -]+?)?(?=\s(?:that|the|a|an|it|he|she|they|[A-Z0-9]))|on social media|in parliament|by (?:tele)?phone|to reporters)\b,?/i;
    for (let k = 0; k < 4; k++) {
      const mm = adv.exec(m.slice(p, windowEnd));
      if (!mm || mm[0].trim() === '') break;
      p += mm[0].length;
    }
    return { start: p, colonQuote: null, hasThat: false };
  }

  private contentText(spans: Span[]): string {
    const parts = spans.map((sp) => this.tm.masked.slice(sp.start, sp.end));
    let t = collapse(parts.join(' '));
    t = t.replace(/["“”«»„]/g, '').replace(/\s+([,.;:!?])/g, '$1');
    t = t.replace(/^(?:that|,|:)\s+/i, '').replace(/[\s,;:–—-]+$/, '').replace(/^[\s,;:]+/, '');
    return collapse(t);
  }

  private kindOf(spans: Span[]): 'direct' | 'indirect' | 'mixed' {
    let quoted = 0;
    let total = 0;
    for (const sp of spans) {
      for (let i = sp.start; i < sp.end; i++) {
        const c = this.tm.masked[i];
        if (!/[\p{L}\p{N}]/u.test(c)) continue;
        total++;
        if (this.inQuote(i)) quoted++;
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
    const acc = /\baccording to ((?:the\s+)?[A-Z][\p{L}'’ ]{1,40}?)(?=[,.;]|$)/gu;
    let ax: RegExpExecArray | null;
    const sText = m.slice(s.start, s.end);
    while ((ax = acc.exec(sText))) if (this.isOutlet(ax[1]) && !this.inQuote(s.start + ax.index)) via.push(ax[1].replace(/^the\s+/i, ''));
    this.sentenceVia.set(s.index, via);

    const sentenceDrafts: Draft[] = [];
    let prevSubject: { entity: Entity; anaphoric: boolean } | null = null;
    let prevCueEnd = s.start;
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
      for (const q of qs) if (q.end <= cue.start && q.end > a) a = q.end;
      const leftText = m.slice(a, cue.start);
      const sub = SUBORDINATORS.exec(m.slice(Math.max(a, cue.start - 200), cue.start).replace(/\s(?:[A-Z][\p{L}'’.-]*\s|the\s|a\s|an\s|[a-z]+['’]s\s|(?:[a-z]+\s){0,2})*(?:had\s|has\s|have\s)?$/u, ' '));
      let isReference = false;
      {
        // "as the Ostmere Ledger had reported": a reference
        const mm = /\bas\s+((?:the\s+)?[A-Z][\p{L}'’ ]{1,40}?)\s+(?:had\s+|has\s+)?$/u.exec(leftText);
        if (mm && cue.base === 'report') isReference = true;
      }
      void sub;
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
          if (/^[\s,]*$/.test(gap) || (/^[\s,]*[^,.;:"“”]{1,80}$/.test(gap) && !/[.!?]\s*$/.test(m.slice(q.start, q.end)) === false) || /^[\s,]*[^,.;:"“”]{1,80}$/.test(gap)) qBefore = q;
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
      const sharedSubject =
        !inverted &&
        (cue.participle || /^(?:and|but|or)$/i.test(leftTrim) || /(?:^|[\s,])(?:and|but)\s*$/.test(m.slice(a, cue.start)) || leftTrim === '' || (prevRelative && /,\s*$/.test(m.slice(a, cue.start))));
      if (!subject && sharedSubject && prevSubject) {
        subject = prevSubject;
      } else if (!subject && !sharedSubject) {
        const ls = this.leftSubject(a, cue.start, cue.relative);
        if (ls) {
          if (!cue.relative && !/,\s*$/.test(m.slice(a, cue.start)) && (/^(?:following|after|before|during|in|with|at|on|from|for|by|about|over|under|into|through|since|despite|amid|among|until)\b/.test(ls.np) || hasVerb(this.tg, ls.npStart, cue.start - 1, new Set(['familiar', 'speaking', 'based', 'led', 'named', 'known', 'has', 'have', 'had', 'also'])))) {
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
            if (ls.role && !p.role) p.role = ls.role;
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
      if (qBefore && (inverted || /^[\s,]*$/.test(m.slice(qBefore.end, a)))) {
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
            } else contentless = true;
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
            const refOnly = REFERENCE_OBJECT.test(m.slice(span.start, span.end).trim()) && words.length <= 5 && /^(?:his|her|its|their|the|that|this)\b/i.test(words[0] ?? '');
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
      if (!contentless && contentSpans.length === 1 && nextCue && !inverted) {
        const gapText = m.slice(contentSpans[0].start, nextCue.start);
        if (contentSpans[0].end <= nextCue.start + 1 && gapText.trim().split(/\s+/).length <= 10 && !/[,;]/.test(gapText) && !/\b(?:after|before|because|while|when|as|since|until|his|her|its|their|the claim|claim)\b/i.test(gapText)) {
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
      const d = this.makeDraft(subject, cue, contentless ? [] : contentSpans, s, [a, zoneEnd], rel, contentless);
      if (inverted) d.zone = [{ start: qBefore!.end, end: s.end }];
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
    if (!sentenceDrafts.length && qs.length) this.continuation(s, qs);
  }

  private pendingNest: { outer: Entity; outerVia: string[] } | null = null;

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
    const res = [
      new RegExp(`\\b(?:an?|the)\\s+(?:[a-z]+\\s+)?(${STATEMENT_NOUNS})\\s+(?:from|by)\\s+((?:[A-Z][\\p{L}'’.-]*\\s*){1,6}?)\\s*((?:(?:late |early )?on \\w+day\\s+)?)that\\s+`, 'gu'),
      new RegExp(`((?:[A-Z][\\p{L}'’.-]*\\s){0,5}[A-Z][\\p{L}.-]*)['’]s?\\s+(?:[a-z]+\\s+)?(${STATEMENT_NOUNS})\\s+((?:(?:late |early )?on \\w+day\\s+)?)that\\s+`, 'gu'),
    ];
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
    const re = new RegExp(`((?:[A-Z][\\p{L}'’.-]*\\s){0,5}[A-Z][\\p{L}.-]*)['’]s?\\s+(?:[a-z]+\\s+)?(${STATEMENT_NOUNS})\\b(\\s+(?:(?:late |early )?on \\w+day\\s*)?)(that\\s+)?`, 'u');
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

  /** Transcript lines: "NAME: words" or "— Name: words" paragraphs, and Q&A answers. */
  private transcriptLines(): void {
    const m = this.tm.masked;
    for (const p of this.tm.paragraphs) {
      const t = m.slice(p.start, p.end);
      const x = /^\s*[—–-]?\s*((?:[A-Z][\p{L}'’.-]*)(?:\s+(?:[A-Z][\p{L}'’.-]*|de|van|von|der|al|bin|da|di|du|le|la)){0,4})\s*:\s+(\S.{10,})$/u.exec(t);
      if (!x) continue;
      const name = x[1];
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
    const head = m.slice(s.start, Math.min(s.end, s.start + 120));
    const segs = head.split(',');
    let seg = segs[0];
    if (this.isPreamble(seg) && segs[1]) seg = segs[1];
    const run = /((?:[A-Z][\p{L}'’.-]*\s){0,4}[A-Z][\p{L}'’.-]+)/u.exec(seg);
    if (!run) return;
    const p = parseSpeaker(run[1]);
    if (!p || p.kind !== 'name' || p.type !== 'person' || !p.name.includes(' ')) return;
    const at = s.start + head.indexOf(run[1]);
    const e = this.reg.resolveName(p, at);
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
    // 2. compute content, dates, media now (zones are final)
    for (const d of live()) {
      d.content = this.contentText(d.contentSpans);
      d.kind = d.continuation ? 'direct' : this.kindOf(d.contentSpans);
      this.assignMedium(d);
      this.assignDate(d);
    }
    // 3. nominal references merge into statements of the same speaker
    for (const d of live()) {
      if (!d.nominal) continue;
      const other = live().find((o) => o !== d && o.entity === d.entity && (o.nominal || tokenF1(o.content, d.content) >= 0.3) && o.cueStart < d.cueStart);
      if (other) this.merge(other, d);
    }
    // 4. lede restatements and duplicates
    const ds = live();
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i];
      if (d.dead) continue;
      for (let j = i + 1; j < ds.length; j++) {
        const o = ds[j];
        if (o.dead) continue;
        const f = tokenF1(d.content, o.content);
        const sameSpeaker = d.entity === o.entity;
        const ledeish = d.para === 0 || d.nominal;
        if ((sameSpeaker && f >= 0.8) || (ledeish && sameSpeaker && f >= 0.3) || (ledeish && f >= 0.55)) {
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
    // 7. relation propagation: direct quotes that follow a contradicting statement of the same speaker
    const fin = live().sort((a, b) => a.cueStart - b.cueStart);
    for (let i = 1; i < fin.length; i++) {
      const d = fin[i];
      if (d.rel.length) continue;
      const prev = fin[i - 1];
      if (prev.entity !== d.entity || !prev.rel.length) continue;
      if (prev.para === d.para || (prev.para === d.para - 1 && d.kind !== 'indirect')) {
        d.rel = prev.rel.filter((r) => r.type === 'contradicts' || r.type === 'corrects' || r.type === 'retracts').map((r) => ({ ...r }));
      }
    }
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

  private assignDate(d: Draft): void {
    if (d.saidAt) return;
    const z = this.zoneText(d);
    const found = findDates(z, this.itemDay);
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
    const inContent = findDates(c, this.itemDay).filter((f) => f.range.from);
    if (inContent.length && d.kind !== 'direct') {
      const f = inContent[0];
      if (f.exact) d.saidAt = { from: f.range.from, to: isoDay(this.itemDay) };
      else d.saidAt = f.range;
      d.dateFromContent = true;
    }
  }
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
  const statements: ExtractedStatement[] = kept.map((d) => ({
    statementId: ids.get(d)!,
    source: { name: d.entity.name, type: d.entity.type, role: d.entity.role, speakerId: speakerIdFor(d.entity.name) },
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
  for (let i = 0; i < kept.length; i++) {
    const d = kept[i];
    const out: ExtractedRelation[] = [];
    for (const r of d.rel) {
      let target: string | null = null;
      if (r.explicitTarget && ids.has(r.explicitTarget) && r.explicitTarget !== d) target = ids.get(r.explicitTarget)!;
      else target = findTarget(d, r, kept, ids, story, i);
      if (target && target !== statements[i].statementId && !out.some((o) => o.target === target && o.type === r.type)) out.push({ type: r.type, target });
    }
    statements[i].relations = out;
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

const STOP = new Set('the a an of to in on at for and or but that this it its is was were be been had has have with by from as he she they his her their we our i not no'.split(' '));

function refMatches(ref: string, name: string, role: string | null, via: string[]): boolean {
  const owner = /^(?:the\s+)?(.+?)['’]s?\s+\w+$/.exec(ref.replace(/\s+(?:account|claim|claims|report|remarks|statement|tweet|post|story|version|protest|findings|figures|allegations?|accusations?)$/i, (x) => ' ' + x.trim()));
  if (!owner) return false;
  const o = owner[1].toLowerCase().replace(/^the\s+/, '');
  const stem = o.replace(/(?:es|s)$/, '');
  const hay = [name, role ?? '', ...via].join(' ').toLowerCase();
  if (stem.length < 3) return false;
  return hay.includes(stem);
}

function findTarget(d: Draft, r: RelHint, kept: Draft[], ids: Map<Draft, string>, story: KnownStatement[], index: number): string | null {
  const sameSpeakerTypes: RelationType[] = ['corrects', 'retracts'];
  const wantSame = sameSpeakerTypes.includes(r.type);
  const ref = r.ref ?? '';
  const owned = ref && /['’]s?\s+\w+$/.test(ref);
  // within the item, earlier statements
  const earlier = kept.slice(0, index).filter((o) => o !== d);
  if (!wantSame) {
    const cands = earlier.filter((o) => o.entity !== d.entity);
    if (owned) {
      const hit = [...cands].reverse().find((o) => refMatches(ref, o.entity.name, o.entity.role, o.via));
      if (hit) return ids.get(hit)!;
      const sh = [...story].reverse().find((o) => refMatches(ref, o.speaker, o.role, []));
      if (sh) return sh.statementId;
    }
    if (/\breport\b/i.test(ref)) {
      const rep = [...cands].reverse().find((o) => o.via.length > 0 || o.medium === 'report');
      if (rep) return ids.get(rep)!;
    }
    // content overlap with the story
    let best: { id: string; f: number } | null = null;
    const content = d.content;
    for (const o of cands) {
      const f = tokenF1(o.content, content);
      if (!best || f > best.f) best = { id: ids.get(o)!, f };
    }
    for (const o of story) {
      if (o.speaker === d.entity.name) continue;
      const f = tokenF1(o.content, content) * 0.9;
      if (!best || f > best.f) best = { id: o.statementId, f };
    }
    if (best && best.f >= 0.2) return best.id;
    if (ref && cands.length) {
      const last = cands[cands.length - 1];
      return ids.get(last)!;
    }
    return null;
  }
  // corrects / retracts: the same speaker's earlier statement, most similar first
  let best: { id: string; f: number } | null = null;
  for (const o of story) {
    if (o.speaker !== d.entity.name) continue;
    const f = tokenF1(o.content, d.content + ' ' + ref) + 0.01;
    if (!best || f > best.f) best = { id: o.statementId, f };
  }
  return best ? best.id : null;
}

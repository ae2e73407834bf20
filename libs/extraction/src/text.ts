/**
 * Text layer of the extractor: paragraphs, junk masking, quotation spans and
 * sentences. Everything works on a *masked* copy of `body_text` of the same
 * length (junk replaced by spaces), so every offset is an offset into the
 * original text (UTF-16 code units, end exclusive).
 */
import { ABBREVIATIONS } from './lexicon';

export interface Span {
  start: number;
  end: number;
}

export interface Paragraph extends Span {
  index: number;
}

/** A quotation: `start`/`end` include the marks, `inStart`/`inEnd` the quoted words only. */
export interface Quote extends Span {
  inStart: number;
  inEnd: number;
  /** The quotation spans more than one paragraph (no closing mark at a paragraph's end). */
  multiPara: boolean;
}

export interface Sentence extends Span {
  para: number;
  /** Index of the sentence in the item. */
  index: number;
}

export interface TextModel {
  original: string;
  masked: string;
  paragraphs: Paragraph[];
  quotes: Quote[];
  sentences: Sentence[];
  /** News agency named in the dateline, e.g. "Example Wire" in "CITY, March 3 (Example Wire) -". */
  agency: string | null;
  /** End of the dateline prefix in the first paragraph (0 when none). */
  datelineEnd: number;
}

const JUNK_PARAGRAPH: RegExp[] = [
  /^\s*©/,
  /all rights reserved/i,
  /^\s*\(?\s*(?:related|read more|see also|more on this|recommended|watch|listen)\b[^:]{0,30}:/i,
  /^\s*(?:sign up|subscribe|click here|follow us|download our app)\b/i,
  /\bnewsletter\b.{0,40}$/i,
  /^\s*\((?:reporting|writing|editing|additional reporting|compiled|translated)\b/i,
  /^\s*(?:reporting|writing|editing) by\b/i,
  /^\s*\(?corrects?\b/i,
  /^\s*(?:kill|end kill|end|advisory|editors? note|ednote)\b[\s\-–—:]*(?:kill\b|$|[-–—:])/i,
  /^\s*(?:photo|picture|image|file photo|video)\s*:/i,
  /^\s*(?:getty images|afp|reuters|ap photo|epa)\s*$/i,
  // press-release boilerplate: the company profile, contacts, the legal notice
  /^\s*about\s+\p{Lu}[^:]{0,60}:/iu,
  /^\s*(?:media|press|investor|investors)\s+(?:contacts?|enquiries|inquiries|relations)\b/i,
  /\bforward-looking statements?\b/i,
];

/** Caption: a picture description ending with a date and a photographer credit ("..., March 3, 2025. Example Wire/Petra Solvang"). */
const CAPTION =
  /(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}, \d{4}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4})\.?\s+(?:[A-Z][\w.&' -]{1,40})\/[A-Z][\w.' -]{1,60}\s*$/i;
const CREDIT_ONLY = /^\s*[A-Z][\w.&' -]{1,40}\/[A-Z][\w.' -]{1,60}\s*$/;

/** Hover-card scraping junk: a name glued to another text ("President TrumpDonald John TrumpCensus ... MORE"). */
const HOVER_CARD = /([a-z\u00df-\u00ff])([A-Z\u00c0-\u00de][^\n]{0,600}?\bMORE\b)/g;
/** Stock-ticker widget glued into a sentence ("ALVB.LS ▼ 4.21% Alvora Bank plc Follow"). */
const TICKER = /\b[A-Z0-9]{1,6}\.[A-Z]{1,4}\s*[▲▼△▽↑↓]\s*[-+]?\d+(?:[.,]\d+)?\s*%(?:[^.\n]{0,80}?\bFollow\b)?/g;
const TICKER2 = /\((?:[A-Z]+:)?[A-Z]{1,6}(?:\.[A-Z]{1,4})?\)\s*[▲▼△▽↑↓]\s*[-+]?\d+(?:[.,]\d+)?\s*%/g;

/** `text` with each span replaced by spaces (line breaks kept), same length. Spans sorted by start. */
function applyMasks(text: string, spans: Span[]): string {
  if (!spans.length) return text;
  let out = '';
  let cur = 0;
  for (const sp of spans) {
    const a = Math.max(cur, sp.start);
    if (sp.end <= a) continue;
    out += text.slice(cur, a) + text.slice(a, sp.end).replace(/[^\n]/g, ' ');
    cur = sp.end;
  }
  return out + text.slice(cur);
}

/** Every mark findQuotes reacts to. */
const QUOTE_MARK = /["“„«‟”»‘'’]/g;
const OPEN_DOUBLE = new Set(['“', '„', '«', '‟']);
const CLOSE_DOUBLE = new Set(['”', '»']);

function isWordChar(c: string | undefined): boolean {
  return !!c && /[\p{L}\p{N}]/u.test(c);
}

/**
 * Find quotation spans in the masked text. Straight and curly double quotes,
 * guillemets, and single quotes (‘…’ or '…') that are not apostrophes: an
 * opening single quote follows a space or bracket and precedes a letter; a
 * closing one follows a letter or punctuation and precedes a space,
 * punctuation or the end. Single quotes nested in a double quotation are part
 * of it. A quotation left open at a paragraph's end continues when the next
 * paragraph opens with a quote mark (wire style for multi-paragraph quotes).
 */
export function findQuotes(masked: string, paragraphs: Paragraph[]): Quote[] {
  const quotes: Quote[] = [];
  let carry: { start: number; inStart: number } | null = null;
  // a single-quoted quotation left open at a paragraph's end (British style over several paragraphs)
  let carrySingle: { start: number } | null = null;
  for (let p = 0; p < paragraphs.length; p++) {
    const para = paragraphs[p];
    let open: { start: number; inStart: number; multi: boolean } | null = null;
    let single: { start: number } | null = null;
    let i = para.start;
    // skip leading spaces
    while (i < para.end && /\s/.test(masked[i])) i++;
    if (carry) {
      const c = masked[i];
      if (c === '"' || OPEN_DOUBLE.has(c)) {
        open = { start: carry.start, inStart: carry.inStart, multi: true };
        i++;
      } else {
        // unclosed quotation ends with its paragraph
        const prev = paragraphs[p - 1];
        let e = prev.end;
        while (e > carry.inStart && /\s/.test(masked[e - 1])) e--;
        quotes.push({ start: carry.start, end: e, inStart: carry.inStart, inEnd: e, multiPara: false });
      }
      carry = null;
    }
    let singleMulti = false;
    if (carrySingle) {
      const c = masked[i];
      if (c === "'" || c === '‘') {
        single = { start: carrySingle.start };
        singleMulti = true;
        i++;
      }
      carrySingle = null;
    }
    // visit only the quote marks (the other characters never change the state)
    for (let from = i; ; from = i + 1) {
      QUOTE_MARK.lastIndex = from;
      const qm = QUOTE_MARK.exec(masked);
      if (!qm || qm.index >= para.end) break;
      i = qm.index;
      const c = masked[i];
      if (c === '"' || OPEN_DOUBLE.has(c) || CLOSE_DOUBLE.has(c)) {
        const prev = masked[i - 1];
        const next = masked[i + 1];
        let isOpen: boolean;
        if (OPEN_DOUBLE.has(c)) isOpen = true;
        else if (CLOSE_DOUBLE.has(c)) isOpen = false;
        else if (open) isOpen = false;
        else isOpen = !(isWordChar(prev) && !isWordChar(next));
        if (isOpen && !open) {
          open = { start: i, inStart: i + 1, multi: false };
          single = null;
        } else if (!isOpen && open) {
          quotes.push({ start: open.start, end: i + 1, inStart: open.inStart, inEnd: i, multiPara: open.multi });
          open = null;
        }
        continue;
      }
      if (open) continue;
      if (c === '‘' || c === "'" || c === '’') {
        const prev = masked[i - 1];
        const next = masked[i + 1];
        const canOpen = (c === '‘' || c === "'") && (i === para.start || /[\s(\[—–-]/.test(prev ?? ' ')) && isWordChar(next);
        const canClose =
          (c === '’' || c === "'") && !!single && /[\p{L}\p{N}.,!?…)\]]/u.test(prev ?? '') && (next === undefined || /[\s.,;:!?)\]—–-]/.test(next));
        if (canClose && single) {
          // do not take a plural possessive (workers' union) as the close when the quotation would be very long
          if (i - single.start < 400 || singleMulti) quotes.push({ start: single.start, end: i + 1, inStart: single.start + 1, inEnd: i, multiPara: singleMulti });
          single = null;
          singleMulti = false;
        } else if (canOpen) {
          single = { start: i };
        }
      }
    }
    if (single && !open && p + 1 < paragraphs.length) {
      // open at the paragraph's end: it goes on when the next paragraph opens with a single mark and the opening
      // mark started a sentence of this paragraph (not an apostrophe-like mark inside a clause)
      const nx = paragraphs[p + 1];
      let j = nx.start;
      while (j < nx.end && /\s/.test(masked[j])) j++;
      const before = masked.slice(para.start, single.start).trimEnd();
      if ((masked[j] === "'" || masked[j] === '‘') && (before === '' || /[.!?:]$/.test(before))) carrySingle = { start: single.start };
    }
    if (open) {
      // paragraph ends inside a quotation
      const text = masked.slice(para.start, para.end);
      if (text.trim().length > 0) carry = { start: open.start, inStart: open.inStart };
    }
  }
  if (carry) {
    const last = paragraphs[paragraphs.length - 1];
    quotes.push({ start: carry.start, end: last.end, inStart: carry.inStart, inEnd: last.end, multiPara: false });
  }
  return quotes.sort((a, b) => a.start - b.start);
}

/** Index of the quotation containing offset `pos` (marks included), or -1. */
export function quoteAt(quotes: Quote[], pos: number): number {
  let lo = 0;
  let hi = quotes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const q = quotes[mid];
    if (pos < q.start) hi = mid - 1;
    else if (pos >= q.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Whether the period at `dot` in `text` closes an abbreviation or an initial
 * ("Mr.", "Gov.", "F.", "U.S."), so it ends no sentence: the word of letters
 * and periods just before it (at most 12 characters back, not before `from`)
 * is in ABBREVIATIONS, a single letter, or letters joined by periods.
 */
export function abbreviationBefore(text: string, dot: number, from: number): boolean {
  const m = /([\p{L}.]+)$/u.exec(text.slice(Math.max(from, dot - 12), dot));
  const w = m ? m[1].toLowerCase() : '';
  return ABBREVIATIONS.has(w) || /^[a-z]$/i.test(w) || /^(?:[a-z]\.)+[a-z]$/i.test(w);
}

function splitSentences(masked: string, para: Paragraph, quotes: Quote[]): Span[] {
  const out: Span[] = [];
  let start = para.start;
  while (start < para.end && /\s/.test(masked[start])) start++;
  for (let i = start; i < para.end; i++) {
    const c = masked[i];
    if (c !== '.' && c !== '!' && c !== '?') continue;
    if (quoteAt(quotes, i) >= 0) continue;
    let j = i + 1;
    while (j < para.end && /["”’'»)\]]/.test(masked[j])) {
      if (quoteAt(quotes, j) >= 0 && quotes[quoteAt(quotes, j)].end - 1 !== j) break;
      j++;
    }
    if (j < para.end && !/\s/.test(masked[j])) continue;
    let k = j;
    while (k < para.end && /\s/.test(masked[k])) k++;
    if (k < para.end && !/[A-Z\u00c0-\u00de"“‘'«(\[0-9]/.test(masked[k])) continue;
    if (c === '.' && abbreviationBefore(masked, i, start)) continue;
    out.push({ start, end: j });
    start = k;
    i = k - 1;
  }
  if (start < para.end) {
    let e = para.end;
    while (e > start && /\s/.test(masked[e - 1])) e--;
    if (e > start) out.push({ start, end: e });
  }
  return out;
}

/**
 * Build the text model of a body: paragraphs (blank-line or line separated),
 * junk paragraphs and inline junk masked, quotes and sentences.
 * @param headline the item's headline: a paragraph repeating it is junk.
 */
export function buildTextModel(body: string, headline: string): TextModel {
  // paragraphs: every non-empty line
  const rawParas: Span[] = [];
  let s = 0;
  const lineRe = /\n/g;
  for (;;) {
    const nl = lineRe.exec(body);
    const i = nl ? nl.index : body.length;
    if (/\S/.test(body.slice(s, i))) rawParas.push({ start: s, end: i });
    s = i + 1;
    if (!nl) break;
  }
  const head = headline.trim().toLowerCase();
  const masks: Span[] = [];
  for (const p of rawParas) {
    const t = body.slice(p.start, p.end).trim();
    const junk =
      JUNK_PARAGRAPH.some((r) => r.test(t)) ||
      (t.includes('/') && (CAPTION.test(t) || CREDIT_ONLY.test(t))) ||
      (head.length > 0 && t.toLowerCase() === head) ||
      (t.length < 40 && !/[.!?"”]$/.test(t) && !/\b(?:said|says|told)\b/.test(t) && t.split(/\s+/).length < 6);
    if (junk) masks.push({ start: p.start, end: p.end });
  }
  let masked = applyMasks(body, masks);
  const inline: Span[] = [];
  for (const re of [HOVER_CARD, TICKER, TICKER2]) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(masked))) {
      const off = re === HOVER_CARD ? m.index + m[1].length : m.index;
      inline.push({ start: off, end: m.index + m[0].length });
    }
  }
  if (inline.length) masked = applyMasks(masked, inline.sort((a, b) => a.start - b.start));
  const paragraphs: Paragraph[] = rawParas
    .filter((p) => masked.slice(p.start, p.end).trim().length > 0)
    .map((p, index) => ({ ...p, index }));
  // dateline
  let agency: string | null = null;
  let datelineEnd = 0;
  if (paragraphs.length) {
    const p0 = masked.slice(paragraphs[0].start, paragraphs[0].end);
    const m = /^\s*[A-Z][A-Za-z .'-]{1,40}(?:,\s*[A-Z][A-Za-z .'-]{1,40})?,\s*[A-Z][a-z]{2,9}\.? \d{1,2}(?:,? \d{4})?\s*\(([^)]{2,40})\)\s*[-–—]+\s*/.exec(p0);
    const m2 = m ? null : /^\s*[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Za-z .'-]{1,40})?\s*\(([^)]{2,40})\)\s*[-–—]+\s*/.exec(p0);
    const mm = m ?? m2;
    if (mm) {
      agency = mm[1].trim();
      datelineEnd = paragraphs[0].start + mm[0].length;
    }
  }
  const quotes = findQuotes(masked, paragraphs);
  // sentences, merged across paragraphs when a quotation spans them
  const spans: Array<Span & { para: number }> = [];
  for (const p of paragraphs) {
    for (const sp of splitSentences(masked, p, quotes)) {
      const st = p.index === 0 && datelineEnd > sp.start && datelineEnd < sp.end ? datelineEnd : sp.start;
      spans.push({ start: st, end: sp.end, para: p.index });
    }
  }
  const merged: Array<Span & { para: number }> = [];
  for (const sp of spans) {
    const last = merged[merged.length - 1];
    if (last) {
      const qi = quoteAt(quotes, last.end - 1);
      const q = qi >= 0 ? quotes[qi] : null;
      const openInLast = quotes.some((x) => x.multiPara && x.start >= last.start && x.start < last.end && x.end > last.end);
      if ((q && q.end > last.end) || openInLast) {
        last.end = sp.end;
        continue;
      }
    }
    merged.push({ ...sp });
  }
  const sentences: Sentence[] = merged.map((m, index) => ({ ...m, index }));
  return { original: body, masked, paragraphs, quotes, sentences, agency, datelineEnd };
}

/**
 * said_at resolution: day ranges (UTC, `YYYY-MM-DD`, inclusive) from the
 * date expressions of a statement's attribution, against the item date
 * (`firstcreated`). Rules (DEV-INDEX conventions; chrono-node for explicit
 * calendar dates):
 * - a bare weekday after a past-tense cue ("said on Monday", "late on
 *   Tuesday", "Tuesday evening") is the most recent such day on or before
 *   the item date; "last Monday" is strictly before;
 * - "yesterday" is the day before; "today", "this morning" the item day;
 * - "this week", "earlier this week", "last week", "this month", "earlier this
 *   month", "last month", "in March", "over the weekend", "last year", "late
 *   last year", "earlier this year" become ranges clipped at the item date;
 * - "Jan. 5", "5 January", "March 24", "the 12th" are that day;
 * - nothing is ever after the item date.
 */
import * as chrono from 'chrono-node';
import type { DayRange } from '@timeline/events';
import { MONTHS, WEEKDAYS } from './lexicon';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC time in ms. */
export function isoDay(ms: number): string {
  // an item names few distinct days: memoised (a bounded map, cleared per item with clearDateMemo; the value is pure in `ms`)
  let d = ISO_DAY_MEMO.get(ms);
  if (d === undefined) {
    d = new Date(ms).toISOString().slice(0, 10);
    if (ISO_DAY_MEMO.size > 1024) ISO_DAY_MEMO.clear();
    ISO_DAY_MEMO.set(ms, d);
  }
  return d;
}

const ISO_DAY_MEMO = new Map<number, string>();

/** UTC midnight (ms) of the item's `firstcreated`. */
export function itemDayMs(firstcreated: string): number {
  const t = Date.parse(firstcreated);
  return Math.floor(t / DAY_MS) * DAY_MS;
}

export interface FoundDate {
  range: DayRange;
  /** offset of the expression in the searched text */
  index: number;
  length: number;
  /** a single day (as opposed to a week/month range) */
  exact: boolean;
}

const WD = WEEKDAYS.join('|');
const MON = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

const RX_REL = new RegExp(
  [
    `\\b(?:late |early )?(?:on |last |this past |this |)(${WD})(?:'s)?(?: (?:morning|afternoon|evening|night))?\\b`,
    `\\b(yesterday|today|tonight|this morning|this afternoon|this evening|earlier today|earlier in the day|overnight)\\b`,
    `\\b(earlier this week|this week|last week|earlier this month|this month|last month|earlier this year|this year|last year|late last year|early last year|last weekend|over the weekend|at the weekend|on the weekend|this weekend|last autumn|last spring|last summer|last winter)\\b`,
    `\\b(?:in |since |during |early |late |mid-)?(${MON})\\.?(?! \\d)(?:,? (\\d{4}))?\\b`,
    `\\bthe (\\d{1,2})(?:st|nd|rd|th)\\b`,
    `\\b(two|three|four|five|six|2|3|4|5|6|a) days? (later|earlier|before|after)\\b`,
    `\\b(the next day|the following day|the day after|the day before|the previous day|the same day|that same day|later that day|earlier that day|later in the day|that day)\\b`,
  ].join('|'),
  'gi',
);

/** Cheap pre-check before calling chrono-node: a month name next to a day number, or a numeric date. */
const EXPLICIT_HINT = new RegExp(`\\b(?:${MON})\\.?\\s+\\d{1,2}\\b|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${MON})\\b|\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2}/\\d{1,2}/\\d{2,4}\\b`, 'i');

/** Numeric dates ("2025-03-07", "7/3/2025"): left to chrono-node. */
const NUMERIC_DATE = /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/;
/** A calendar day with a month name, optionally after a weekday: groups 1 weekday, 2/5 month, 3/4 day, 6 year. */
const MONTH_DAY = new RegExp(
  `(?:\\b(${WD}),?\\s+)?(?:\\b(${MON})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b|\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${MON})\\b\\.?)(?:,?\\s+(\\d{4})\\b)?`,
  'gi',
);

const NUM: Record<string, number> = { a: 1, two: 2, three: 3, four: 4, five: 5, six: 6, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6 };

/** Month 0-11 of an English month name or its abbreviation ("Jan.", "Sept"); -1 when none. */
export function monthIndex(m: string): number {
  const k = m.toLowerCase().slice(0, 3);
  return MONTHS.findIndex((x) => x.startsWith(k));
}

function clip(fromMs: number | null, toMs: number | null, item: number): DayRange | null {
  let t = toMs === null ? null : Math.min(toMs, item);
  let f = fromMs;
  if (f !== null && f > item) return null;
  if (f !== null && t !== null && f > t) t = f;
  return { from: f === null ? null : isoDay(f), to: t === null ? null : isoDay(t) };
}

function monthRange(year: number, month: number): [number, number] {
  const from = Date.UTC(year, month, 1);
  const to = Date.UTC(year, month + 1, 1) - DAY_MS;
  return [from, to];
}

/**
 * Find date expressions in `text` relative to the item day (UTC midnight ms).
 * `anchor` (ms) is the day that "two days later" counts from (the last
 * exact date mentioned before, if any).
 */
export function findDates(text: string, item: number, anchor: number | null = null): FoundDate[] {
  // most texts name no date at all: every expression below holds one of these words or a digit
  if (!ANY_DATE_WORD.test(text)) return [];
  // a memo (pure: same text, item day and anchor give the same dates); callers get copies
  const key = `${item}|${anchor}|${text}`;
  const hit = DATE_MEMO.get(key);
  if (hit) return hit.map((f) => ({ ...f }));
  if (DATE_MEMO.size > 2048) DATE_MEMO.clear();
  const found = findDatesUncached(text, item, anchor);
  DATE_MEMO.set(key, found);
  return found.map((f) => ({ ...f }));
}

const DATE_MEMO = new Map<string, FoundDate[]>();
/** Cheap pre-test: a word that every date expression of {@link findDates} contains (weekday, month, "yesterday", "week", a digit …). */
const ANY_DATE_WORD = /day|tonight|overnight|week|month|year|autumn|spring|summer|winter|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d/i;

/** Forget memoised dates and days (called per item, so a benchmark over repeated items measures real work). */
export function clearDateMemo(): void {
  DATE_MEMO.clear();
  ISO_DAY_MEMO.clear();
}

function findDatesUncached(text: string, item: number, anchor: number | null): FoundDate[] {
  const out: FoundDate[] = [];
  const wd = new Date(item).getUTCDay();
  const y = new Date(item).getUTCFullYear();
  const mo = new Date(item).getUTCMonth();
  // explicit calendar dates via chrono-node
  const explicitSpans: Array<[number, number]> = [];
  if (EXPLICIT_HINT.test(text) && !NUMERIC_DATE.test(text)) {
    // "March 7", "7 March 2025", "Monday, March 3": parsed here (chrono-node is kept for numeric forms)
    MONTH_DAY.lastIndex = 0;
    let x: RegExpExecArray | null;
    while ((x = MONTH_DAY.exec(text))) {
      const mon = monthIndex(x[2] ?? x[5]);
      const dayN = Number(x[3] ?? x[4]);
      const yr = x[6] ? Number(x[6]) : null;
      if (mon < 0 || dayN < 1 || dayN > 31) continue;
      if (!x[1] && /^may$/i.test(x[2] ?? '') && !/^May/.test(x[2] ?? '')) continue; // modal "may 5"
      let ms = Date.UTC(yr ?? y, mon, dayN);
      if (new Date(ms).getUTCDate() !== dayN) continue;
      if (yr === null && ms > item) ms = Date.UTC(y - 1, mon, dayN);
      if (ms > item) continue;
      explicitSpans.push([x.index, x.index + x[0].length]);
      out.push({ range: { from: isoDay(ms), to: isoDay(ms) }, index: x.index, length: x[0].length, exact: true });
    }
  } else if (EXPLICIT_HINT.test(text)) {
    for (const r of chrono.en.parse(text, { instant: new Date(item + DAY_MS / 2), timezone: 0 }, { forwardDate: false })) {
      if (!r.start.isCertain('day') || !r.start.isCertain('month')) continue;
      if (/^\d+$/.test(r.text.trim())) continue;
      if (/\b(?:minute|hour|day|week|month|year)s?\b/i.test(r.text)) continue;
      const d = r.start.date();
      let ms = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      if (!r.start.isCertain('year') && ms > item) ms = Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), d.getUTCDate());
      if (ms > item) continue;
      explicitSpans.push([r.index, r.index + r.text.length]);
      out.push({ range: { from: isoDay(ms), to: isoDay(ms) }, index: r.index, length: r.text.length, exact: true });
    }
  }
  RX_REL.lastIndex = 0;
  let m: RegExpExecArray | null;
  let lastExact: number | null = anchor;
  while ((m = RX_REL.exec(text))) {
    const idx = m.index;
    if (explicitSpans.some(([a, b]) => idx >= a && idx < b)) continue;
    const s = m[0].toLowerCase();
    let range: DayRange | null = null;
    let exact = false;
    if (m[1]) {
      const target = WEEKDAYS.indexOf(m[1].toLowerCase());
      let back = (wd - target + 7) % 7;
      if (/\blast\b|this past/.test(s) && back === 0) back = 7;
      const ms = item - back * DAY_MS;
      range = clip(ms, ms, item);
      exact = true;
    } else if (m[2]) {
      const k = m[2].toLowerCase();
      const ms = k === 'yesterday' ? item - DAY_MS : item;
      range = clip(ms, ms, item);
      exact = true;
    } else if (m[3]) {
      const k = m[3].toLowerCase();
      const monday = item - ((wd + 6) % 7) * DAY_MS;
      if (k === 'this week' || k === 'earlier this week') range = clip(monday, item, item);
      else if (k === 'last week') range = clip(monday - 7 * DAY_MS, monday - DAY_MS, item);
      else if (k === 'this month' || k === 'earlier this month') range = clip(Date.UTC(y, mo, 1), item, item);
      else if (k === 'last month') {
        const [f, t] = monthRange(mo === 0 ? y - 1 : y, (mo + 11) % 12);
        range = clip(f, t, item);
      } else if (k === 'this year' || k === 'earlier this year') range = clip(Date.UTC(y, 0, 1), item, item);
      else if (k === 'last year') range = clip(Date.UTC(y - 1, 0, 1), Date.UTC(y, 0, 1) - DAY_MS, item);
      else if (k === 'late last year') range = clip(Date.UTC(y - 1, 8, 1), Date.UTC(y, 0, 1) - DAY_MS, item);
      else if (k === 'early last year') range = clip(Date.UTC(y - 1, 0, 1), Date.UTC(y - 1, 4, 1) - DAY_MS, item);
      else if (k.includes('weekend')) {
        // most recent Saturday-Sunday on or before the item day
        const backSat = (wd - 6 + 7) % 7;
        let sat = item - backSat * DAY_MS;
        if (k === 'last weekend' && backSat < 2) sat -= 7 * DAY_MS;
        range = clip(sat, sat + DAY_MS, item);
      } else {
        // seasons: leave open
        range = null;
      }
    } else if (m[4]) {
      // a bare month name: "in March", "March 2024"
      const k = m[4].toLowerCase();
      if (k === 'may' && !/^(?:in|since|during|early|late|mid-)/i.test(s)) continue; // modal "may"
      if (!/^(?:in|since|during|early|late|mid-)/i.test(s) && !m[5]) {
        // "March" alone next to a capitalised word is probably a name ("March 24 sample" handled by chrono)
        if (!/^[A-Z]/.test(m[0])) continue;
      }
      const mi = monthIndex(k);
      const year = m[5] ? Number(m[5]) : mi <= mo ? y : y - 1;
      const [f, t] = monthRange(year, mi);
      let from = f;
      let to = t;
      if (/^late/i.test(s)) from = Date.UTC(year, mi, 20);
      if (/^early/i.test(s)) to = Date.UTC(year, mi, 10);
      if (/^since/i.test(s)) to = item;
      range = clip(from, to, item);
    } else if (m[6]) {
      const dnum = Number(m[6]);
      let ms = Date.UTC(y, mo, dnum);
      if (ms > item) ms = Date.UTC(mo === 0 ? y - 1 : y, (mo + 11) % 12, dnum);
      range = clip(ms, ms, item);
      exact = true;
    } else if (m[7] || m[9]) {
      if (lastExact === null || anchor === lastExact) {
        // find the last exact date before this expression
        const prev = out.filter((o) => o.exact && o.index < idx).sort((a, b) => b.index - a.index)[0];
        if (prev && prev.range.from) lastExact = Date.parse(prev.range.from + 'T00:00:00Z');
      }
      if (lastExact === null && m[9] && /in the day/i.test(m[9])) lastExact = item;
      if (lastExact === null) continue;
      let n: number;
      let sign: number;
      if (m[9]) {
        const k = m[9].toLowerCase();
        n = /next|following|after|before|previous/.test(k) ? 1 : 0;
        sign = /before|previous/.test(k) ? -1 : 1;
      } else {
        n = NUM[m[7].toLowerCase()] ?? 1;
        sign = /later|after/.test(m[8].toLowerCase()) ? 1 : -1;
      }
      const ms = lastExact + sign * n * DAY_MS;
      range = clip(ms, ms, item);
      exact = true;
    }
    if (range) out.push({ range, index: idx, length: m[0].length, exact });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Width of a range in days (open ends count as very wide). */
export function rangeWidth(r: DayRange | null): number {
  if (!r) return Infinity;
  if (!r.from || !r.to) return 1e6;
  return (Date.parse(r.to) - Date.parse(r.from)) / DAY_MS;
}

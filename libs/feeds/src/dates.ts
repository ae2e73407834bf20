import { NormalizationError } from './errors';

/**
 * Parse a wire timestamp into ISO 8601 UTC with milliseconds.
 * Accepts RFC 3339 / ISO 8601 date-times with `Z` or an offset (converted to
 * UTC), and a bare date `YYYY-MM-DD` (taken as 00:00 UTC, as ninjs 1.0
 * test-suite item 017 shows agencies send). Anything else ("Last Tuesday") is
 * refused rather than guessed.
 * @throws NormalizationError naming `field`.
 */
export function parseWireDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new NormalizationError(field, typeof value === 'string' || value === undefined || value === null ? 'missing date-time' : `must be a string, got ${typeof value}`);
  }
  const s = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(s)) {
    throw new NormalizationError(field, `"${s.slice(0, 60)}" is not an ISO 8601 date-time (expected e.g. 2019-06-04T15:02:00Z)`);
  }
  // Same calendar and range checks as feed dates: no 30 February, years 1000-9999
  // (Postgres timestamptz refuses year 0, and a projector must never meet it).
  try {
    return parseFeedDate(s, field);
  } catch {
    throw new NormalizationError(field, `"${s.slice(0, 60)}" is not a valid date-time (no such day, or a year outside 1000-9999)`);
  }
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
/** RFC 822 §5 / RFC 2822 §4.3 zone names (military single letters are obsolete and ambiguous: refused). */
const ZONES: Record<string, number> = { UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7 };

/**
 * Parse a date as feeds write it, into ISO 8601 UTC with milliseconds:
 * RFC 3339 / ISO 8601 (Atom, JSON Feed, W3C-DTF `dc:date`, with or without
 * seconds, bare dates as 00:00 UTC), ISO 8601 basic format
 * (`20130605T210000+0000`, NewsML 1.2), and RFC 822 / 2822 (RSS `pubDate`:
 * `Thu, 01 Jan 2004 19:48:21 GMT`, numeric offsets or US zone names; a
 * two-digit year is 19xx/20xx per RFC 2822 §4.3).
 * @throws NormalizationError naming `field` for anything else (never guessed).
 */
export function parseFeedDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new NormalizationError(field, 'missing date-time');
  const s = value.trim().replace(/\s+/g, ' ');
  const bad = () => new NormalizationError(field, `"${s.slice(0, 60)}" is not a date-time (expected RFC 822 like "Thu, 01 Jan 2004 19:48:21 GMT" or ISO 8601 like "2004-01-01T19:48:21Z")`);
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(s);
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '0', zone = 'Z'] = iso;
    return fromParts(+y, +mo - 1, +d, +h, +mi, +sec, Number(`0.${frac}`) * 1000, zoneMinutes(zone), bad);
  }
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?$/i.exec(s);
  if (basic) {
    const [, y, mo, d, h, mi, sec = '00', zone = 'Z'] = basic;
    return fromParts(+y, +mo - 1, +d, +h, +mi, +sec, 0, zoneMinutes(zone), bad);
  }
  const rfc = /^(?:[A-Za-z]{3,9},? )?(\d{1,2}) ([A-Za-z]{3,9})\.? (\d{2}|\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([+-]\d{4}|[A-Za-z]{1,5}))?$/.exec(s);
  if (rfc) {
    const [, d, monName, yRaw, h, mi, sec = '00', zone = 'GMT'] = rfc;
    const mo = MONTHS[monName.slice(0, 3).toLowerCase()];
    if (mo === undefined) throw bad();
    let y = +yRaw;
    if (yRaw.length === 2) y += y < 50 ? 2000 : 1900;
    let off: number;
    if (/^[+-]\d{4}$/.test(zone)) off = zoneMinutes(zone);
    else if (ZONES[zone.toUpperCase()] !== undefined) off = ZONES[zone.toUpperCase()] * 60;
    else throw bad();
    return fromParts(y, mo, +d, +h, +mi, +sec, 0, off, bad);
  }
  throw bad();
}

function zoneMinutes(zone: string): number {
  if (/^z$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]);
}

function fromParts(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offMin: number, bad: () => Error): string {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60 || y < 1000 || y > 9999) throw bad();
  const t = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), Math.round(ms)) - offMin * 60_000;
  const back = new Date(Date.UTC(y, mo, d));
  if (back.getUTCDate() !== d || Number.isNaN(t)) throw bad();
  return new Date(t).toISOString();
}

/** Largest version the read model stores (Postgres `integer`); a larger one would stop the projector. */
export const MAX_VERSION = 2_147_483_647;

/** @throws NormalizationError when `version` is above MAX_VERSION (the read model stores a Postgres integer). */
export function assertStorableVersion(version: number): void {
  if (version > MAX_VERSION) throw new NormalizationError('version', `${version} is larger than ${MAX_VERSION}, the largest version stored`);
}

/**
 * Version number for formats that have none (RSS, Atom, JSON Feed, HTML):
 * whole minutes since 1970-01-01T00:00Z of the entry's last-modified time
 * (2024-04-20T04:20:00Z → 28559780). A later modification therefore
 * supersedes an earlier one, the same entry seen twice (or through RSS and
 * Atom alike) gets the same version so its event ids match, and the number
 * fits the read model's 32-bit integer for millennia (seconds would overflow
 * it in 2038). Two edits within one minute share a version: the second is
 * taken as a repeat. Times before 1970 give 1.
 */
export function versionFromDate(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 1 : Math.max(1, Math.floor(ms / 60_000));
}

/**
 * The reference scorer's text and value semantics, ported from Python.
 *
 * - `\w` of Python 3's `re` on str is "alphanumeric or underscore", where
 *   alphanumeric is Unicode categories L* plus N* (combining marks are NOT word
 *   characters, so "cafe\u0301" is two tokens): `[\p{L}\p{N}_]` with the `u` flag.
 * - `\s`, `str.split()` and `str.strip()` use Python's whitespace set, which is
 *   not JavaScript's (Python adds U+001C..U+001F and U+0085, and lacks U+FEFF).
 * - `str.lower()` and `String.prototype.toLowerCase()` are both the Unicode
 *   default full lower-casing (final sigma included).
 * - Strings compare and slice by code point, as Python's do.
 *
 * For code points that are unassigned in the running Python's Unicode database
 * but assigned in Node's (characters added in later Unicode versions) the two
 * may differ; everything Python knows about agrees (checked over all code points
 * in reference-agreement.unit.spec.ts).
 */

/** Python's whitespace (`str.isspace()`, `\s`, `split()`, `strip()`), as a regex class body. */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WORD_RUN = /[\p{L}\p{N}_]+/gu;
const NOT_NAME_CHAR = new RegExp(`[^\\p{L}\\p{N}_${PY_WS}'\\-]`, 'gu');
const LEADING_THE = new RegExp(`^(the)[${PY_WS}]+`, 'u');
const WS_RUN = new RegExp(`[${PY_WS}]+`, 'u');
const PY_WS_CHAR = new RegExp(`^[${PY_WS}]$`, 'u');
const WS_EDGES = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'gu');

/** Whether a single code point is a word character of Python's `re` (`\w` on str). */
export function isWordChar(c: string): boolean {
  return /^[\p{L}\p{N}_]$/u.test(c);
}

/** Whether a single code point is whitespace to Python (`str.isspace()`, `\s`). */
export function isPyWhitespace(c: string): boolean {
  return PY_WS_CHAR.test(c);
}

/** `s or ""` for a value that should be a string (non-strings score as empty). */
function str(s: unknown): string {
  return typeof s === 'string' ? s : '';
}

/** Python's `s.strip()` (no argument). */
export function pyStrip(s: string): string {
  return s.replace(WS_EDGES, '');
}

/** Python's `s.split()` (no argument): split on whitespace runs, no empty parts. */
export function pySplit(s: string): string[] {
  return s.split(WS_RUN).filter((p) => p.length > 0);
}

/**
 * Tokens of a text: lower-cased word runs, punctuation dropped, any script.
 * Mirrors `re.findall(r"\w+", (s or "").lower().replace("’", "'"))`.
 */
export function toks(s: unknown): string[] {
  return str(s).toLowerCase().replaceAll('\u2019', "'").match(WORD_RUN) ?? [];
}

/** Token F1 of two texts (multiset overlap of `toks`), 0 when either has no tokens. */
export function tokF1(a: unknown, b: unknown): number {
  const ta = toks(a);
  const tb = toks(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  const ca = new Map<string, number>();
  for (const t of ta) ca.set(t, (ca.get(t) ?? 0) + 1);
  const cb = new Map<string, number>();
  for (const t of tb) cb.set(t, (cb.get(t) ?? 0) + 1);
  let common = 0;
  for (const [t, n] of ca) common += Math.min(n, cb.get(t) ?? 0);
  if (common === 0) return 0;
  const p = common / ta.length;
  const r = common / tb.length;
  return (2 * p * r) / (p + r);
}

/**
 * A name normalised for comparison: lower-cased, characters other than word
 * characters, whitespace, `'` and `-` turned into spaces, a leading "the "
 * dropped, whitespace collapsed. Mirrors the reference's `norm_name`.
 */
export function normName(s: unknown): string {
  let t = str(s).toLowerCase().replaceAll('\u2019', "'");
  t = t.replace(NOT_NAME_CHAR, ' ');
  t = pyStrip(t).replace(LEADING_THE, '');
  return pySplit(t).join(' ');
}

/**
 * Python's `round(x, n)` for n >= 0: the exact binary value of `x` rounded to
 * n decimals, ties to even (0.3125 -> 0.312, where `toFixed` gives 0.313),
 * then the nearest double. Exact ties are common here: F1 of small counts is
 * often a fraction like 5/16.
 */
export function pyRound(x: number, n: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const neg = x < 0;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074;
  if (expBits !== 0) {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  // |x| * 10^n = mant * 10^n * 2^e = num / den exactly
  let num = mant * 10n ** BigInt(n);
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  let q = num / den;
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  const v = Number(`${q}e-${n}`);
  return neg ? -v : v;
}

/** Python truthiness of a JSON value. */
export function pyTruthy(x: unknown): boolean {
  if (x === null || x === undefined || x === false || x === 0 || x === '') return false;
  if (Array.isArray(x)) return x.length > 0;
  if (typeof x === 'object') return Object.keys(x).length > 0;
  return true;
}

/** Python `==` of two JSON values (`None == None`, `True == 1`, lists and dicts by value). */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  const num = (x: unknown): number | null => (typeof x === 'number' ? x : typeof x === 'boolean' ? Number(x) : null);
  const na = num(a);
  const nb = num(b);
  if (na !== null || nb !== null) return na !== null && nb !== null && na === nb;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEq(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    const ob = b as Record<string, unknown>;
    if (ka.length !== Object.keys(ob).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && pyEq((a as Record<string, unknown>)[k], ob[k]));
  }
  return a === b;
}

/** A key under which Python's dict/set would treat two JSON scalars as the same (`1`, `1.0`, `True` alike). */
export function pyKey(x: unknown): string {
  if (x === null || x === undefined) return 'N';
  if (typeof x === 'string') return `s:${x}`;
  if (typeof x === 'number' || typeof x === 'boolean') return `n:${Number(x)}`;
  return `o:${JSON.stringify(x)}`;
}

/** Python's `str(x)` / f-string rendering of a JSON scalar (`None`, `True`, ...). */
export function pyStr(x: unknown): string {
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'string') return x;
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (typeof x === 'number') return String(x);
  return JSON.stringify(x);
}

/** Python iteration of a value: a list's items, a string's code points, a dict's keys. */
export function pyIter(x: unknown): unknown[] {
  if (!pyTruthy(x)) return [];
  if (Array.isArray(x)) return x;
  if (typeof x === 'string') return [...x];
  if (typeof x === 'object' && x !== null) return Object.keys(x);
  return [];
}

/** Compare two strings by code point, as Python does (-1, 0, 1). */
export function cmpCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** The first 10 code points of a string (`x[:10]`), or null for a non-string. */
export function day(x: unknown): string | null {
  if (typeof x !== 'string') return null;
  let out = '';
  let n = 0;
  for (const ch of x) {
    if (n++ === 10) break;
    out += ch;
  }
  return out;
}

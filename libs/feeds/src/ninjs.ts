import { PubStatus, WireItem, WireItemSchema } from '@timeline/events';
import { assertStorableVersion, parseWireDate } from './dates';
import { NormalizationError } from './errors';
import { htmlToText } from './html-text';

/**
 * Normalize an IPTC ninjs document of any generation into the wire-item shape.
 *
 * Field names by generation (IPTC ninjs schemas 1.6, 2.1, 3.1):
 * - 1.x: `headline`, `byline`, `body_text` / `body_html` / `body_xhtml`, `pubstatus`, `firstcreated`, `versioncreated`, `ednote`
 * - 2.x: lower-case, `headlines[]`, `bodies[]` (`contenttype`), `by`
 * - 3.x: camelCase `pubStatus`, `firstCreated`, `versionCreated`, `edNote`, `headlines[]`, `bodies[]` (`contentType`), `by`
 *
 * Body choice: plain text, else HTML/XHTML rendered to text (paragraphs
 * separated by a blank line). `version` may be absent (taken as 1) or a
 * numeric string ("0" is AP's first version); other text is refused.
 * `firstcreated` falls back to `versioncreated` and vice versa.
 *
 * @param raw parsed JSON
 * @throws NormalizationError naming the first bad field (ninjs 1.x name).
 */
export function normalizeNinjs(raw: unknown): WireItem {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new NormalizationError('(document)', 'a ninjs item must be a JSON object');
  }
  const o = raw as Record<string, any>;
  const pick = (...keys: string[]): any => {
    for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
    return undefined;
  };

  const uri = pick('uri');
  if (uri !== undefined && typeof uri !== 'string') throw new NormalizationError('uri', `must be a string, got ${typeof uri}`);
  if (typeof uri !== 'string' || uri.trim() === '') throw new NormalizationError('uri', 'missing (the item identity is required)');
  // Text fields of the wrong type are refused, not silently dropped.
  for (const f of ['body_text', 'body_html', 'body_xhtml', 'headline', 'byline', 'located', 'language', 'ednote', 'edNote']) {
    if (o[f] !== undefined && o[f] !== null && typeof o[f] !== 'string') throw new NormalizationError(f, `must be a string, got ${Array.isArray(o[f]) ? 'array' : typeof o[f]}`);
  }

  const rawVersion = pick('version');
  let version = 1;
  if (rawVersion !== undefined) {
    const v = typeof rawVersion === 'number' ? rawVersion : /^\s*\d+\s*$/.test(String(rawVersion)) ? Number(rawVersion) : NaN;
    if (!Number.isSafeInteger(v) || v < 0) throw new NormalizationError('version', `"${String(rawVersion).slice(0, 40)}" is not a whole number`);
    assertStorableVersion(v);
    version = v;
  }

  const rawStatus = pick('pubstatus', 'pubStatus');
  let pubstatus: PubStatus = 'usable';
  if (rawStatus !== undefined) {
    const s = String(rawStatus).replace(/^stat:/, '');
    const parsed = PubStatus.safeParse(s);
    if (!parsed.success) throw new NormalizationError('pubstatus', `"${String(rawStatus).slice(0, 40)}" is not one of usable, withheld, canceled`);
    pubstatus = parsed.data;
  }

  const vcRaw = pick('versioncreated', 'versionCreated');
  const fcRaw = pick('firstcreated', 'firstCreated');
  if (vcRaw === undefined && fcRaw === undefined) throw new NormalizationError('firstcreated', 'missing (and no versioncreated either)');
  const versioncreated = parseWireDate(vcRaw ?? fcRaw, vcRaw !== undefined ? 'versioncreated' : 'firstcreated');
  const firstcreated = parseWireDate(fcRaw ?? vcRaw, fcRaw !== undefined ? 'firstcreated' : 'versioncreated');

  const headlines = pick('headlines');
  const headline =
    (typeof pick('headline') === 'string' ? pick('headline') : undefined) ??
    (Array.isArray(headlines) ? (headlines.find((h: any) => h?.role === 'main') ?? headlines[0])?.value : undefined) ??
    '';

  const byRaw = pick('byline', 'by', 'bylines');
  const byline = typeof byRaw === 'string' ? byRaw : Array.isArray(byRaw) ? byRaw.map((b: any) => b?.byline ?? b?.name ?? '').filter(Boolean).join(', ') || null : null;

  const locatedRaw = pick('located');
  const located = typeof locatedRaw === 'string' ? locatedRaw : null;

  const body = chooseBody(o);

  const subjects = pick('subject', 'subjects');
  const subject = Array.isArray(subjects)
    ? subjects.filter((s: any) => s && typeof s === 'object').map((s: any) => ({ name: typeof s.name === 'string' ? s.name : undefined, uri: typeof s.uri === 'string' ? s.uri : undefined }))
    : [];

  const parsed = WireItemSchema.safeParse({
    uri: uri.trim(),
    version,
    pubstatus,
    firstcreated,
    versioncreated,
    headline: String(headline),
    byline,
    located,
    language: typeof pick('language') === 'string' ? pick('language') : null,
    body_text: body,
    ednote: typeof pick('ednote', 'edNote') === 'string' ? pick('ednote', 'edNote') : null,
    subject,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NormalizationError(issue.path.join('.') || '(document)', issue.message);
  }
  return parsed.data;
}

function chooseBody(o: Record<string, any>): string {
  if (typeof o.body_text === 'string') return normalizeText(o.body_text);
  const bodies = Array.isArray(o.bodies) ? o.bodies : [];
  const typeOf = (b: any) => String(b?.contentType ?? b?.contenttype ?? '').toLowerCase();
  const plain = bodies.find((b: any) => typeOf(b) === 'text/plain' && typeof b.value === 'string');
  if (plain) return normalizeText(plain.value);
  if (typeof o.body_html === 'string') return htmlToText(o.body_html);
  if (typeof o.body_xhtml === 'string') return htmlToText(o.body_xhtml);
  const html = bodies.find((b: any) => /html/.test(typeOf(b)) && typeof b.value === 'string');
  if (html) return htmlToText(html.value);
  return '';
}

/** Unify line ends and trim trailing space; paragraphs stay separated by blank lines. */
export function normalizeText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n').trim();
}

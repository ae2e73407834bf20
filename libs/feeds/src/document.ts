import { WireItem } from '@timeline/events';
import { decodeDocument, DecodedText } from './encoding';
import { NormalizationError } from './errors';
import { readHtmlPage } from './html-page';
import { DEFAULT_LIMITS, finishItem, ItemDraft } from './item';
import { isJsonFeed, readJsonFeed } from './jsonfeed';
import { EntryProblem, EntryResults, isNewsmlG2Root, readNewsmlG2 } from './newsml-g2';
import { normalizeNinjs } from './ninjs';
import { FeedContext, readAtom, readRss } from './syndication';
import { parseXml } from './xml';

/** Formats normalizeDocument reads. */
export type DocumentFormat = 'ninjs' | 'newsml-g2' | 'rss' | 'atom' | 'jsonfeed' | 'html';

/** Formats that deliver a whole feed (POST /feeds) rather than one item. */
export const FEED_FORMATS: ReadonlySet<DocumentFormat> = new Set(['rss', 'atom', 'jsonfeed']);

/** Options of {@link normalizeDocument}. */
export interface NormalizeOptions {
  /** HTTP Content-Type (decides the format when specific, and may carry the charset). */
  contentType?: string;
  /** File name, for messages and as a hint (.json, .xml, .html) when nothing else decides. */
  fileName?: string;
  /** Charset from outside the document (HTTP), overriding its declaration. */
  charset?: string;
  /** Where the document came from (Content-Location, polled URL): base for relative links, URL of an HTML page. */
  baseUrl?: string;
  /** When it was received, ISO 8601: the date of entries that carry none. Time is passed in, never read here. */
  receivedAt?: string;
  /** Largest item, bytes (default 5 MiB): a single-item document, or one entry's text. */
  maxItemBytes?: number;
  /** Largest feed document, bytes (default 50 MiB). */
  maxFeedBytes?: number;
  /** Run cleanupBody on each body (default true). */
  cleanup?: boolean;
}

/** An entry of the document that was refused (the others are still returned). */
export interface RejectedEntry extends EntryProblem {
  /** One line: `entry <index> (<id>): <field>: <problem>`. */
  message: string;
}

/** Result of {@link normalizeDocument}. */
export interface NormalizedDocument {
  format: DocumentFormat;
  items: WireItem[];
  /** Entries of a multi-item document that could not be normalized. */
  rejected: RejectedEntry[];
  /** How the bytes were decoded. */
  encoding: Pick<DecodedText, 'encoding' | 'decidedBy' | 'ignored'>;
}

/** The document is larger than a configured limit (HTTP 413). */
export class DocumentTooLargeError extends NormalizationError {
  constructor(
    readonly size: number,
    readonly limit: number,
    readonly setting: 'ITEM_MAX_BYTES' | 'FEED_MAX_BYTES',
  ) {
    super('(document)', `the document is ${size} bytes; the limit is ${limit} bytes (${setting})`);
    this.name = 'DocumentTooLargeError';
  }
}

const byType: Array<[RegExp, DocumentFormat | 'json' | 'xml']> = [
  [/^application\/(?:feed\+json|json-feed)/, 'jsonfeed'],
  [/^application\/(?:ninjs\+json|vnd\.iptc\.ninjs\+json)/, 'ninjs'],
  [/^application\/rss\+xml|^application\/rdf\+xml/, 'rss'],
  [/^application\/atom\+xml/, 'atom'],
  [/^application\/vnd\.iptc\.g2\.[a-z]+\+xml|^application\/newsml(?:-g2)?\+xml/, 'newsml-g2'],
  [/^text\/html/, 'html'],
  [/^(?:application|text)\/(?:[\w.+-]+\+)?json\b/, 'json'],
  [/^(?:application|text)\/(?:[\w.+-]+\+)?xml\b/, 'xml'],
];

/** What the first bytes of a decoded document look like. */
export function sniffFormat(text: string, hint?: string): 'json' | 'xml' | 'html' | null {
  const head = text.slice(0, 2048).replace(/^\uFEFF/, '');
  const start = head.replace(/^\s+/, '');
  if (/^[{[]/.test(start)) return 'json';
  if (/^<!doctype html|^<html[\s>]/i.test(start)) return 'html';
  if (/^<\?xml|^<!--|^<[A-Za-z_][\w.:-]*[\s>/]/.test(start)) {
    const rest = start.replace(/^(?:<\?xml[^>]*\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*/i, '');
    if (/^<(?:html|head|body|meta|title|article|div|p)[\s>]/i.test(rest) || /^<!doctype html/i.test(rest)) return 'html';
    return 'xml';
  }
  if (hint && /\.json$/i.test(hint)) return 'json';
  if (hint && /\.html?$/i.test(hint)) return 'html';
  return null;
}

/**
 * Normalize any supported document into wire items — the one entry point of
 * libs/feeds (pure: no I/O, time passed in as `receivedAt`).
 *
 * 1. Limits: a document larger than `maxFeedBytes` is refused at once; a
 *    single-item document (ninjs, NewsML-G2 newsItem, HTML) larger than
 *    `maxItemBytes` too (DocumentTooLargeError → 413); an entry of a feed
 *    whose text exceeds `maxItemBytes` is a rejected entry.
 * 2. Encoding: decodeDocument (BOM, HTTP charset, XML declaration / HTML meta, detection).
 * 3. Format: a specific Content-Type decides (application/rss+xml, atom+xml,
 *    feed+json, vnd.iptc.g2.*+xml, text/html); generic JSON / XML types and
 *    no type are sniffed: JSON with a jsonfeed.org `version` is JSON Feed,
 *    other JSON objects (or arrays of them) ninjs; XML by its root element
 *    (`rss`, `rdf:RDF` → rss; `feed` → atom; `newsItem`, `newsMessage`, … → newsml-g2).
 * 4. Each item is finished by finishItem: agency headline tags, mojibake
 *    repair, cleanupBody, validation against the wire-item schema.
 *
 * @returns the items (in document order) and the refused entries.
 * @throws NormalizationError (one line, `field: problem`) when the document
 *   as a whole cannot be read: empty, malformed JSON/XML, unknown format,
 *   a single-item document with a bad field; DocumentTooLargeError for the limits.
 */
export function normalizeDocument(bytes: Uint8Array | string, opts: NormalizeOptions = {}): NormalizedDocument {
  const maxItem = opts.maxItemBytes ?? DEFAULT_LIMITS.maxItemBytes;
  const maxFeed = opts.maxFeedBytes ?? DEFAULT_LIMITS.maxFeedBytes;
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.byteLength;
  if (size > maxFeed) throw new DocumentTooLargeError(size, maxFeed, 'FEED_MAX_BYTES');

  const decoded = decodeDocument(bytes, { contentType: opts.contentType, charset: opts.charset });
  const text = decoded.text;
  if (text.trim() === '') throw new NormalizationError('(document)', 'empty document');
  const mediaType = (opts.contentType ?? '').split(';')[0].trim().toLowerCase();
  const declared = byType.find(([re]) => re.test(mediaType))?.[1];
  let kind: DocumentFormat | 'json' | 'xml' | null = declared ?? null;
  const sniffed = sniffFormat(text, opts.fileName);
  // A generic or missing type is sniffed; a specific type that contradicts the bytes loses to them (mislabelled feeds are common).
  if (!kind || ((kind === 'json' || kind === 'jsonfeed' || kind === 'ninjs') && sniffed !== 'json') || (kind !== 'json' && kind !== 'jsonfeed' && kind !== 'ninjs' && sniffed === 'json')) kind = sniffed;
  if (kind === 'html' && sniffed === 'xml') kind = 'xml';
  if (!kind) throw new NormalizationError('(document)', `unrecognized format${mediaType ? ` (Content-Type ${mediaType})` : ''}: not JSON, XML or HTML`);

  const ctx: FeedContext = { baseUrl: opts.baseUrl, receivedAt: opts.receivedAt };
  const enc = { encoding: decoded.encoding, decidedBy: decoded.decidedBy, ignored: decoded.ignored };
  const single = (format: DocumentFormat, draft: () => ItemDraft | WireItem): NormalizedDocument => {
    if (size > maxItem) throw new DocumentTooLargeError(size, maxItem, 'ITEM_MAX_BYTES');
    return { format, items: [finishItem(draft() as ItemDraft, { cleanup: opts.cleanup, maxItemBytes: maxItem })], rejected: [], encoding: enc };
  };
  const many = (format: DocumentFormat, res: EntryResults): NormalizedDocument => {
    const items: WireItem[] = [];
    const rejected: RejectedEntry[] = res.problems.map(reject);
    for (const { index, draft } of res.drafts) {
      try {
        items.push(finishItem(draft, { cleanup: opts.cleanup, maxItemBytes: maxItem }));
      } catch (err) {
        if (!(err instanceof NormalizationError)) throw err;
        rejected.push(reject({ index, id: draft.uri, field: err.field, problem: err.problem }));
      }
    }
    rejected.sort((a, b) => a.index - b.index);
    return { format, items, rejected, encoding: enc };
  };

  if (kind === 'json' || kind === 'jsonfeed' || kind === 'ninjs') {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new NormalizationError('(document)', `malformed JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    if (isJsonFeed(raw)) return many('jsonfeed', readJsonFeed(raw as Record<string, any>, ctx));
    if (kind === 'jsonfeed') throw new NormalizationError('version', 'not a JSON Feed: "version" must be https://jsonfeed.org/version/1 or /1.1');
    if (Array.isArray(raw)) {
      const res: EntryResults = { drafts: [], problems: [] };
      raw.forEach((r, index) => {
        try {
          res.drafts.push({ index, draft: ninjsDraft(r, ctx) });
        } catch (err) {
          if (!(err instanceof NormalizationError)) throw err;
          res.problems.push({ index, id: typeof (r as any)?.uri === 'string' ? (r as any).uri : undefined, field: err.field, problem: err.problem });
        }
      });
      return many('ninjs', res);
    }
    if (raw && typeof raw === 'object' && !('uri' in (raw as object)) && !NINJS_KEYS.some((k) => k in (raw as object))) {
      throw new NormalizationError('(document)', 'JSON that is neither a ninjs item (no uri) nor a JSON Feed (no jsonfeed.org version)');
    }
    return single('ninjs', () => ninjsDraft(raw, ctx));
  }
  if (kind === 'html') return single('html', () => readHtmlPage(text, ctx));

  const root = parseXml(text);
  const local = root.local;
  if (local === 'rss' || local === 'RDF' || local === 'channel') return many('rss', readRss(local === 'channel' ? { ...root, local: 'rss', children: [root] } : root, ctx));
  if (local === 'feed') return many('atom', readAtom(root, ctx));
  if (isNewsmlG2Root(root)) {
    if (local === 'newsMessage') return many('newsml-g2', readNewsmlG2(root));
    const res = readNewsmlG2(root);
    if (res.problems.length) throw new NormalizationError(res.problems[0].field, res.problems[0].problem);
    return single('newsml-g2', () => res.drafts[0].draft);
  }
  if (local === 'html') return single('html', () => readHtmlPage(text, ctx));
  if (local === 'NewsML') throw new NormalizationError('(document)', 'NewsML 1.x is not supported (send NewsML-G2, ninjs, RSS, Atom, JSON Feed or HTML)');
  if (local === 'nitf') throw new NormalizationError('(document)', 'a standalone NITF document is not supported (send it inside a NewsML-G2 newsItem)');
  throw new NormalizationError('(document)', `unrecognized XML document: root element <${root.name}> is not rss, rdf:RDF, feed, newsItem or newsMessage`);
}

const NINJS_KEYS = ['headline', 'headlines', 'body_text', 'bodies', 'versioncreated', 'versionCreated', 'pubstatus', 'pubStatus', 'type'];
const NINJS_DATES = ['versioncreated', 'versionCreated', 'firstcreated', 'firstCreated'];

/**
 * A ninjs item as a draft: normalizeNinjs does the field work, finishItem the
 * common rest. ninjs requires only `uri`; an item with no date at all (ninjs
 * test-suite 022/023: a bare withheld or canceled notice) takes the receive
 * time, so a kill is never lost for want of a timestamp.
 */
function ninjsDraft(raw: unknown, ctx: FeedContext): ItemDraft {
  const o = raw as Record<string, unknown>;
  const undated = !!o && typeof o === 'object' && !Array.isArray(o) && NINJS_DATES.every((k) => o[k] === undefined || o[k] === null);
  const item = normalizeNinjs(undated && ctx.receivedAt ? { ...o, versioncreated: ctx.receivedAt } : raw);
  return { ...item };
}

function reject(p: EntryProblem): RejectedEntry {
  return { ...p, message: `entry ${p.index}${p.id ? ` (${p.id.slice(0, 200)})` : ''}: ${p.field}: ${p.problem}` };
}

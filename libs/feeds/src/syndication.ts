import { parseFeedDate, versionFromDate } from './dates';
import { NormalizationError } from './errors';
import { htmlToText } from './html-text';
import { ItemDraft } from './item';
import { EntryProblem, EntryResults } from './newsml-g2';
import { normalizeText } from './ninjs';
import { attr, child, childText, elements, textOf, XNode, xmlToText } from './xml';

/** Context shared by the feed readers. */
export interface FeedContext {
  /** URL the document came from (Content-Location, the polled URL): base for relative links and ids. */
  baseUrl?: string;
  /** When the document was received (ISO 8601): the date of entries that carry none. */
  receivedAt?: string;
}

/** An absolute URL or URN/tag/IRI scheme prefix. */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Resolve a link against a base (xml:base, the feed URL); unparseable links are kept as written. */
export function resolveUrl(link: string | undefined, base: string | undefined): string | undefined {
  if (!link) return undefined;
  const l = link.trim();
  if (!l) return undefined;
  if (HAS_SCHEME.test(l) || !base) return l;
  try {
    return new URL(l, base).toString();
  } catch {
    return l;
  }
}

/**
 * Identity of a feed entry. An id that is already a URI (has a scheme: http:,
 * urn:, tag:) is used as is; a bare id ("1", "42") is only unique within its
 * feed (JSON Feed 1.1 §items.id, RSS 2.0 guid), so it is qualified with the
 * feed's URL as a fragment (`https://example.org/feed.json#1`) when one is
 * known, else kept bare.
 */
export function entryUri(id: string | undefined, feedUrl: string | undefined): string | undefined {
  const v = id?.trim();
  if (!v) return undefined;
  if (HAS_SCHEME.test(v) || !feedUrl) return v;
  return `${feedUrl.replace(/#.*$/, '')}#${v}`;
}

/** Dates of an entry → firstcreated, versioncreated and version (derived from the modification time; 1 when undated). */
export function entryDates(
  created: Array<[string, string | undefined]>,
  modified: Array<[string, string | undefined]>,
  fallback: Array<[string, string | undefined]>,
  ctx: FeedContext,
): { firstcreated: string; versioncreated: string; version: number } {
  const first = (list: Array<[string, string | undefined]>) => {
    for (const [field, v] of list) if (v && v.trim()) return parseFeedDate(v, field);
    return undefined;
  };
  const c = first(created);
  const m = first(modified);
  const own = m ?? c;
  if (own) return { firstcreated: c ?? own, versioncreated: own, version: versionFromDate(own) };
  const fb = first(fallback) ?? (ctx.receivedAt ? parseFeedDate(ctx.receivedAt, 'receivedAt') : undefined);
  if (!fb) throw new NormalizationError('versioncreated', 'the entry has no date (pubDate, dc:date, updated, published) and no receive time was given');
  return { firstcreated: fb, versioncreated: fb, version: 1 };
}

function collect(list: XNode[], read: (n: XNode, i: number) => ItemDraft, idOf: (n: XNode) => string | undefined): EntryResults {
  const res: EntryResults = { drafts: [], problems: [] };
  list.forEach((n, index) => {
    try {
      res.drafts.push({ index, draft: read(n, index) });
    } catch (err) {
      if (!(err instanceof NormalizationError)) throw err;
      res.problems.push({ index, id: idOf(n), field: err.field, problem: err.problem } satisfies EntryProblem);
    }
  });
  return res;
}

/** Render a text construct that may hold escaped HTML, naked markup or plain text. */
function richText(n: XNode | undefined): string {
  if (!n) return '';
  const hasElements = n.children.some((c) => typeof c !== 'string');
  if (hasElements) return xmlToText(n);
  const t = textOf(n);
  return /<\/?[a-z][^>]*>|&[a-z]+;|&#\d+;/i.test(t) ? htmlToText(t) : normalizeText(t.replace(/[ \t]+/g, ' '));
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Read RSS 0.9x / 2.0 (`<rss><channel><item>`) and RSS 1.0 (`<rdf:RDF>`
 * with `<item rdf:about>` beside `<channel>`), after the RSS 2.0
 * specification (RSS Advisory Board) and the Dublin Core / content modules.
 * Per item: `guid` (else `link`, else `rdf:about`) → uri, resolved against
 * `xml:base` / the feed URL; `title` → headline; body from
 * `content:encoded`, else `xhtml:body`, else `description` (escaped or
 * naked markup, rendered to text); `author` / `dc:creator` → byline;
 * `pubDate` / `dc:date` / `dcterms:created|issued` → firstcreated,
 * `dcterms:modified` / `atom:updated` → versioncreated; version from the
 * latest of these (see versionFromDate); `category` / `dc:subject` → subject;
 * channel `language` / `dc:language` → language. An undated item takes the
 * channel's date, else the receive time, with version 1.
 * Items without guid or link are refused (no identity).
 */
export function readRss(root: XNode, ctx: FeedContext = {}): EntryResults {
  const channel = child(root, 'channel');
  const items = root.local === 'RDF' ? elements(root, 'item') : elements(channel, 'item');
  const base = resolveUrl(attr(root, 'base'), ctx.baseUrl) ?? ctx.baseUrl;
  const chBase = resolveUrl(attr(channel, 'base'), base) ?? base;
  const feedUrl = ctx.baseUrl ?? resolveUrl(childText(channel, 'link'), chBase);
  const language = childText(channel, 'language') ?? elements(channel, 'language').map(textOf)[0] ?? attr(root, 'lang') ?? null;
  const feedDates: Array<[string, string | undefined]> = [
    ['channel pubDate', childText(channel, 'pubDate')],
    ['channel lastBuildDate', childText(channel, 'lastBuildDate')],
    ['channel dc:date', childText(channel, 'date')],
  ];
  const readItem = (item: XNode): ItemDraft => {
    const itemBase = resolveUrl(attr(item, 'base'), chBase) ?? chBase;
    const guid = childText(item, 'guid');
    const link = resolveUrl(childText(item, 'link'), itemBase);
    const permalink = guid && attr(child(item, 'guid'), 'isPermaLink') !== 'false' ? resolveUrl(guid, itemBase) : undefined;
    const uri = permalink ?? entryUri(guid, feedUrl) ?? link ?? attr(item, 'about');
    if (!uri) throw new NormalizationError('uri', 'the item has no guid, link or rdf:about (an item needs an identity)');
    const dates = entryDates(
      [['pubDate', childText(item, 'pubDate')], ['dc:date', childText(item, 'date')], ['dcterms:created', childText(item, 'created')], ['dcterms:issued', childText(item, 'issued')]],
      [['dcterms:modified', childText(item, 'modified')], ['atom:updated', childText(item, 'updated')]],
      feedDates,
      ctx,
    );
    const encoded = elements(item, 'encoded')[0];
    const xhtmlBody = elements(item, 'body')[0];
    const body = encoded ? richText(encoded) : xhtmlBody ? xmlToText(xhtmlBody) : richText(child(item, 'description'));
    const authors = [...elements(item, 'creator'), ...elements(item, 'author')].map((a) => oneLine(textOf(a))).filter(Boolean);
    const subject = [...elements(item, 'category'), ...elements(item, 'subject')]
      .map((c) => ({ name: oneLine(textOf(c)) || undefined, uri: attr(c, 'domain') }))
      .filter((s) => s.name);
    return {
      uri,
      ...dates,
      headline: oneLine(richText(child(item, 'title'))),
      byline: unique(authors).join(', ') || null,
      language,
      body_text: body,
      subject,
    };
  };
  return collect(items, readItem, (n) => childText(n, 'guid') ?? childText(n, 'link'));
}

/**
 * Read Atom 1.0 (RFC 4287) and Atom 0.3, with RFC 6721 tombstones.
 * Per entry: `id` (a direct child: a `source/id` never counts) → uri, else
 * the `link rel=alternate` href; `title` → headline; body from `content`
 * (text / html / xhtml per @type; Atom 0.3 `mode="escaped|base64"`; other
 * media types are base64 per RFC 4287 §4.1.3.3), else `summary`;
 * `author/name` (entry, else feed) → byline; `published` / `issued` /
 * `created` → firstcreated; `updated` / `modified` (the last one if
 * repeated) → versioncreated and version; `category@term|label` →
 * subject; `xml:lang` (entry, content or feed) → language.
 * `at:deleted-entry ref when` (RFC 6721) becomes a kill: pubstatus
 * canceled, version from `when`, `at:comment` as ednote.
 */
export function readAtom(root: XNode, ctx: FeedContext = {}): EntryResults {
  const entries = elements(root).filter((e) => e.local === 'entry' || e.local === 'deleted-entry');
  const base = resolveUrl(attr(root, 'base'), ctx.baseUrl) ?? ctx.baseUrl;
  const feedLang = attr(root, 'lang') ?? null;
  const feedAuthors = elements(root, 'author').map((a) => childText(a, 'name') ?? '').filter(Boolean);
  const feedDates: Array<[string, string | undefined]> = [['feed updated', childText(root, 'updated') ?? childText(root, 'modified')]];
  const readEntry = (e: XNode): ItemDraft => {
    if (e.local === 'deleted-entry') return tombstone(e, ctx);
    const eBase = resolveUrl(attr(e, 'base'), base) ?? base;
    const alternate = elements(e, 'link').find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate');
    const uri = childText(e, 'id') ?? resolveUrl(attr(alternate, 'href'), eBase);
    if (!uri) throw new NormalizationError('uri', 'the entry has no id and no alternate link (an entry needs an identity)');
    const updated = elements(e, 'updated').map((u) => oneLine(textOf(u))).filter(Boolean).pop();
    const dates = entryDates(
      [['published', childText(e, 'published')], ['issued', childText(e, 'issued')], ['created', childText(e, 'created')]],
      [['updated', updated], ['modified', childText(e, 'modified')]],
      feedDates,
      ctx,
    );
    const content = child(e, 'content');
    const body = content ? atomContent(content) : atomContent(child(e, 'summary'));
    const authors = elements(e, 'author').map((a) => childText(a, 'name') ?? '').filter(Boolean);
    return {
      uri,
      ...dates,
      headline: oneLine(atomContent(child(e, 'title'))),
      byline: (authors.length ? authors : feedAuthors).join(', ') || null,
      language: attr(e, 'lang') ?? attr(content, 'lang') ?? feedLang,
      body_text: body,
      subject: elements(e, 'category').map((c) => ({ name: attr(c, 'label') ?? attr(c, 'term'), uri: attr(c, 'scheme') })).filter((s) => s.name),
    };
  };
  return collect(entries, readEntry, (n) => childText(n, 'id') ?? attr(n, 'ref'));
}

function tombstone(e: XNode, ctx: FeedContext): ItemDraft {
  const ref = attr(e, 'ref');
  if (!ref) throw new NormalizationError('uri', 'at:deleted-entry has no ref attribute (RFC 6721 §3 requires it)');
  const whenRaw = attr(e, 'when');
  const when = whenRaw ? parseFeedDate(whenRaw, 'at:deleted-entry@when') : ctx.receivedAt ? parseFeedDate(ctx.receivedAt, 'receivedAt') : undefined;
  if (!when) throw new NormalizationError('versioncreated', 'at:deleted-entry has no when attribute and no receive time was given');
  const by = child(e, 'by');
  return {
    uri: ref.trim(),
    version: versionFromDate(when),
    pubstatus: 'canceled',
    firstcreated: when,
    versioncreated: when,
    headline: '',
    byline: by ? childText(by, 'name') ?? null : null,
    body_text: '',
    ednote: childText(e, 'comment') ?? null,
    signals: ['kill (Atom at:deleted-entry)'],
  };
}

/** Text of an Atom text or content construct (RFC 4287 §3.1, §4.1.3; Atom 0.3 @mode). */
function atomContent(n: XNode | undefined): string {
  if (!n) return '';
  const type = (attr(n, 'type') ?? 'text').toLowerCase();
  const mode = (attr(n, 'mode') ?? '').toLowerCase();
  if (type === 'xhtml' || mode === 'xml' || (type.includes('xhtml') && n.children.some((c) => typeof c !== 'string'))) return xmlToText(n);
  if (mode === 'base64' || !/^(text|html|xhtml)$|^text\/|html|xml/.test(type)) {
    const raw = textOf(n).replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/]+=*$/.test(raw) && raw.length % 4 === 0) {
      const decoded = Buffer.from(raw, 'base64').toString('utf8');
      if (!decoded.includes('\uFFFD')) return /<\/?[a-z][^>]*>/i.test(decoded) ? htmlToText(decoded) : normalizeText(decoded);
    }
    return '';
  }
  if (type === 'html' || type.includes('html') || mode === 'escaped') return htmlToText(textOf(n));
  return normalizeText(textOf(n).replace(/[ \t]+/g, ' '));
}

const unique = (xs: string[]) => [...new Set(xs)];

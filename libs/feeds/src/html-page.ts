import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import { parseFeedDate, versionFromDate } from './dates';
import { NormalizationError } from './errors';
import { htmlToText } from './html-text';
import { ItemDraft } from './item';
import { FeedContext, resolveUrl } from './syndication';

const ARTICLE_TYPES = /^(?:NewsArticle|Article|ReportageNews|AnalysisNewsArticle|OpinionNewsArticle|BackgroundNewsArticle|ReviewNewsArticle|BlogPosting|LiveBlogPosting|Report|TechArticle|ScholarlyArticle|SocialMediaPosting|WebPage)$/;

/** schema.org objects found in the page's JSON-LD blocks (`@graph` flattened); malformed blocks are skipped. */
function jsonLd(document: any): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  const visit = (v: any, depth: number) => {
    if (depth > 6 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.slice(0, 100).forEach((x) => visit(x, depth + 1));
    out.push(v);
    if (v['@graph']) visit(v['@graph'], depth + 1);
  };
  for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      visit(JSON.parse(String(s.textContent ?? '')), 0);
    } catch {
      /* a broken JSON-LD block is ignored, as search engines do */
    }
  }
  return out;
}

const typesOf = (o: Record<string, any>): string[] => (Array.isArray(o['@type']) ? o['@type'] : [o['@type']]).filter((t) => typeof t === 'string');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const names = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).map((a: any) => (typeof a === 'string' ? a : str(a?.name) ?? '')).filter(Boolean);

/**
 * Read an HTML article page: the text through @mozilla/readability (on a
 * linkedom DOM), the metadata from schema.org JSON-LD (a NewsArticle /
 * Article / … object) first, then OpenGraph / article: meta tags, then
 * Readability's own (Dublin Core, Parse.ly, `<title>`).
 * - uri: `<link rel=canonical>`, `og:url`, JSON-LD `url` / `mainEntityOfPage`,
 *   `parsely-link`, else the URL the page came from (`ctx.baseUrl`); none → refused.
 * - versioncreated: `dateModified` / `article:modified_time`, else the publication
 *   date; firstcreated: `datePublished` / `article:published_time` /
 *   `parsely-pub-date`; undated pages take the receive time.
 * - version: schema.org `version` when a whole number, else derived from
 *   the modification date (versionFromDate), else 1.
 * - `correction` (text or CorrectionComment) → ednote and a correction signal.
 * @throws NormalizationError when the page has no URL or no article text.
 */
export function readHtmlPage(html: string, ctx: FeedContext = {}): ItemDraft {
  const { document } = parseHTML(html);
  // OpenGraph is defined on `property`; `name` and `itemprop` forms are read after it.
  const meta = (key: string): string | undefined => {
    for (const a of ['property', 'name', 'itemprop']) {
      for (const m of document.querySelectorAll(`meta[${a}]`)) {
        const k = m.getAttribute(a);
        if (k && k.split(/\s+/).some((p: string) => p.toLowerCase() === key.toLowerCase())) {
          const v = str(m.getAttribute('content'));
          if (v) return v;
        }
      }
    }
    return undefined;
  };
  const ld = jsonLd(document);
  const article = ld.find((o) => typesOf(o).some((t) => ARTICLE_TYPES.test(t) && t !== 'WebPage')) ?? ld.find((o) => typesOf(o).includes('WebPage')) ?? {};
  const canonical = str(document.querySelector('link[rel="canonical"]')?.getAttribute('href'));
  const base = ctx.baseUrl;
  const mainEntity = typeof article.mainEntityOfPage === 'string' ? article.mainEntityOfPage : str(article.mainEntityOfPage?.['@id']);
  const uri = resolveUrl(canonical ?? meta('og:url') ?? str(article.url) ?? mainEntity ?? meta('parsely-link'), base) ?? base;
  if (!uri) {
    throw new NormalizationError('uri', 'the page names no URL (no <link rel="canonical">, og:url or JSON-LD url) and none was given (send it as Content-Location, or --url)');
  }

  const dateField = (pairs: Array<[string, string | undefined]>): string | undefined => {
    for (const [f, v] of pairs) if (v) return parseFeedDate(v, f);
    return undefined;
  };
  const published = dateField([
    ['datePublished', str(article.datePublished)],
    ['article:published_time', meta('article:published_time')],
    ['parsely-pub-date', meta('parsely-pub-date')],
    ['dcterms.created', meta('dcterms.created') ?? meta('DC.date.issued')],
  ]);
  const modified = dateField([
    ['dateModified', str(article.dateModified)],
    ['article:modified_time', meta('article:modified_time') ?? meta('og:updated_time')],
  ]);
  const received = ctx.receivedAt ? parseFeedDate(ctx.receivedAt, 'receivedAt') : undefined;
  const versioncreated = modified ?? published ?? received;
  if (!versioncreated) throw new NormalizationError('versioncreated', 'the page has no date (datePublished, article:published_time) and no receive time was given');
  const declared = article.version;
  const version = typeof declared === 'number' && Number.isSafeInteger(declared) && declared >= 0
    ? declared
    : typeof declared === 'string' && /^\d{1,9}$/.test(declared.trim()) ? Number(declared)
    : modified ?? published ? versionFromDate((modified ?? published)!) : 1;

  const corrections = (Array.isArray(article.correction) ? article.correction : article.correction ? [article.correction] : [])
    .map((c: any) => (typeof c === 'string' ? c : str(c?.text) ?? str(c?.description) ?? ''))
    .filter(Boolean);

  const lang = str(article.inLanguage) ?? str(document.documentElement?.getAttribute?.('lang')) ?? meta('og:locale')?.replace('_', '-');
  const readable = new Readability(document as any, { charThreshold: 100 }).parse();
  const text = readable?.content ? htmlToText(readable.content) : '';
  if (!text.trim()) throw new NormalizationError('body_text', 'no article text found in the page (Readability found no content)');
  return {
    uri,
    version,
    firstcreated: published ?? versioncreated,
    versioncreated,
    headline: str(article.headline) ?? meta('og:title') ?? str(readable?.title) ?? '',
    byline: names(article.author).join(', ') || str(readable?.byline) || meta('author') || null,
    language: lang ?? str(readable?.lang) ?? null,
    body_text: text,
    ednote: corrections.length ? corrections.map((c: string) => `Correction: ${c.replace(/\s+/g, ' ').trim()}`).join('\n') : null,
    signals: corrections.length ? ['correction (schema.org correction)'] : [],
    subject: [],
  };
}

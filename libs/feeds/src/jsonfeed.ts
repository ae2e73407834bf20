import { NormalizationError } from './errors';
import { htmlToText } from './html-text';
import { ItemDraft } from './item';
import { EntryResults } from './newsml-g2';
import { normalizeText } from './ninjs';
import { entryDates, entryUri, FeedContext, resolveUrl } from './syndication';

/** A JSON Feed document (https://jsonfeed.org/version/1 and /1.1). */
export const isJsonFeed = (o: unknown): boolean =>
  !!o && typeof o === 'object' && !Array.isArray(o) && typeof (o as any).version === 'string' && /^https?:\/\/jsonfeed\.org\/version\//.test((o as any).version);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/**
 * Read a JSON Feed 1.0 / 1.1 document. Per item: `id` (string, or a number
 * as JSON Feed 1.0 feeds send) → uri, qualified with `feed_url` when it is
 * not a URI itself (see entryUri), else `url`; `title` → headline; body
 * `content_text`, else `content_html` rendered to text, else `summary`;
 * `date_published` → firstcreated, `date_modified` → versioncreated and
 * version; `authors[].name` (1.1) or `author.name` (1.0), item then feed →
 * byline; `tags` → subject; `language` (1.1, item then feed) → language.
 */
export function readJsonFeed(feed: Record<string, any>, ctx: FeedContext = {}): EntryResults {
  if (!Array.isArray(feed.items)) throw new NormalizationError('items', 'a JSON Feed needs an items array');
  const feedUrl = str(feed.feed_url) ?? ctx.baseUrl ?? str(feed.home_page_url);
  const names = (o: any): string[] => {
    if (!o || typeof o !== 'object') return [];
    const list = Array.isArray(o.authors) ? o.authors : o.author ? [o.author] : [];
    return list.map((a: any) => str(a?.name) ?? '').filter(Boolean);
  };
  const res: EntryResults = { drafts: [], problems: [] };
  (feed.items as unknown[]).forEach((it, index) => {
    const o = (it && typeof it === 'object' && !Array.isArray(it) ? it : {}) as Record<string, any>;
    try {
      if (o !== it) throw new NormalizationError('items', 'an item must be a JSON object');
      const uri = entryUri(str(o.id), feedUrl) ?? resolveUrl(str(o.url), feedUrl);
      if (!uri) throw new NormalizationError('uri', 'the item has no id and no url (JSON Feed requires id)');
      const dates = entryDates([['date_published', str(o.date_published)]], [['date_modified', str(o.date_modified)]], [], ctx);
      const body = str(o.content_text) ? normalizeText(o.content_text) : str(o.content_html) ? htmlToText(o.content_html) : str(o.summary) ? normalizeText(o.summary) : '';
      const draft: ItemDraft = {
        uri,
        ...dates,
        headline: str(o.title) ?? '',
        byline: (names(o).length ? names(o) : names(feed)).join(', ') || null,
        language: str(o.language) ?? str(feed.language) ?? null,
        body_text: body,
        subject: Array.isArray(o.tags) ? o.tags.filter((t: unknown) => typeof t === 'string').map((t: string) => ({ name: t })) : [],
      };
      res.drafts.push({ index, draft });
    } catch (err) {
      if (!(err instanceof NormalizationError)) throw err;
      res.problems.push({ index, id: str(o.id), field: err.field, problem: err.problem });
    }
  });
  return res;
}

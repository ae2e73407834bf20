import { PubStatus } from '@timeline/events';
import { parseFeedDate } from './dates';
import { NormalizationError } from './errors';
import { htmlToText } from './html-text';
import { ItemDraft } from './item';
import { normalizeText } from './ninjs';
import { attr, child, childText, descendant, elements, textOf, XNode, xmlToText } from './xml';

/** One entry of a multi-item document that could not be normalized. */
export interface EntryProblem {
  /** 0-based position of the entry in the document. */
  index: number;
  /** Its identity when it has one (guid, id, link). */
  id?: string;
  field: string;
  problem: string;
}

/** What a multi-item reader returns: drafts to finish, and the entries it refused. */
export interface EntryResults {
  drafts: Array<{ index: number; draft: ItemDraft }>;
  problems: EntryProblem[];
}

const G2_ITEMS = new Set(['newsItem', 'packageItem', 'conceptItem', 'knowledgeItem', 'planningItem', 'catalogItem']);

/** Root element names that mark a NewsML-G2 document. */
export const isNewsmlG2Root = (root: XNode): boolean => root.local === 'newsMessage' || G2_ITEMS.has(root.local);

/**
 * Read a NewsML-G2 document (IPTC NewsML-G2 2.x specification): a single
 * `newsItem`, or a `newsMessage` whose `itemSet` holds several items.
 * Only `newsItem`s are wire items; packages, concepts, knowledge and
 * planning items carry no text and are listed as refused entries.
 *
 * Field mapping (G2 → ninjs): `@guid` → uri; `@version` → version (absent: 1);
 * `itemMeta/pubStatus@qcode` stat:usable|withheld|canceled (or the
 * cv.iptc.org pubstatusg2 URI) → pubstatus (absent: usable, per the spec);
 * `itemMeta/versionCreated` → versioncreated; `itemMeta/firstCreated`
 * (else `contentMeta/contentCreated`) → firstcreated; `itemMeta/edNote` (and
 * `partMeta/edNote`) → ednote; `itemMeta/signal` (sig:correction, sig:update, …) → signals;
 * `contentMeta/headline` (role hlrole:main first) → headline;
 * `contentMeta/by`, else `creator/name` → byline; `located/name`, else
 * `dateline` → located; `language@tag` (else `@xml:lang`) → language;
 * `subject` (name, @uri or @qcode) → subject. Body, in order of preference:
 * `inlineData` text/plain; `inlineXML` XHTML/HTML; `inlineXML` NITF
 * (`body.content`), each rendered to text with paragraph breaks.
 * @throws NormalizationError when the root is not a newsItem / newsMessage.
 */
export function readNewsmlG2(root: XNode): EntryResults {
  const res: EntryResults = { drafts: [], problems: [] };
  let items: XNode[];
  if (root.local === 'newsMessage') {
    const sets = elements(root, 'itemSet');
    items = sets.flatMap((s) => elements(s).filter((e) => G2_ITEMS.has(e.local)));
    if (items.length === 0) throw new NormalizationError('(document)', 'the NewsML-G2 newsMessage holds no item (itemSet is empty or missing)');
  } else if (G2_ITEMS.has(root.local)) items = [root];
  else throw new NormalizationError('(document)', `not a NewsML-G2 item: root element <${root.name}>`);

  items.forEach((node, index) => {
    const id = attr(node, 'guid');
    if (node.local !== 'newsItem') {
      res.problems.push({ index, id, field: '(item)', problem: `a NewsML-G2 ${node.local} carries no text; only newsItems are ingested` });
      return;
    }
    try {
      res.drafts.push({ index, draft: newsItemDraft(node) });
    } catch (err) {
      if (!(err instanceof NormalizationError)) throw err;
      res.problems.push({ index, id, field: err.field, problem: err.problem });
    }
  });
  return res;
}

const qcodeTail = (v: string | undefined) => (v ?? '').replace(/^.*[:/]/, '').toLowerCase();

function newsItemDraft(item: XNode): ItemDraft {
  const guid = attr(item, 'guid')?.trim();
  if (!guid) throw new NormalizationError('uri', 'missing (newsItem@guid is required)');
  const rawVersion = attr(item, 'version');
  let version = 1;
  if (rawVersion !== undefined) {
    if (!/^\s*\d{1,10}\s*$/.test(rawVersion)) throw new NormalizationError('version', `"${rawVersion.slice(0, 40)}" is not a whole number (newsItem@version)`);
    version = Number(rawVersion);
  }
  const meta = child(item, 'itemMeta');
  const content = child(item, 'contentMeta');

  const statusNode = child(meta, 'pubStatus');
  let pubstatus: PubStatus = 'usable';
  if (statusNode) {
    const code = qcodeTail(attr(statusNode, 'qcode') ?? attr(statusNode, 'uri'));
    const parsed = PubStatus.safeParse(code);
    if (!parsed.success) throw new NormalizationError('pubstatus', `"${attr(statusNode, 'qcode') ?? attr(statusNode, 'uri')}" is not one of stat:usable, stat:withheld, stat:canceled`);
    pubstatus = parsed.data;
  }

  const vcRaw = childText(meta, 'versionCreated');
  const fcRaw = childText(meta, 'firstCreated') ?? childText(content, 'contentCreated');
  if (!vcRaw && !fcRaw) throw new NormalizationError('versioncreated', 'missing (itemMeta/versionCreated)');
  const versioncreated = parseFeedDate(vcRaw ?? fcRaw, vcRaw ? 'versioncreated' : 'firstcreated');
  const firstcreated = fcRaw ? parseFeedDate(fcRaw, 'firstcreated') : versioncreated;

  const signals = elements(meta, 'signal')
    .map((s) => qcodeTail(attr(s, 'qcode') ?? attr(s, 'uri')))
    .filter((s) => s && s !== 'atomic')
    .map((s) => `${s} (NewsML-G2 sig:${s})`);
  const ednote = [...elements(meta, 'edNote'), ...elements(item, 'partMeta').flatMap((pm) => elements(pm, 'edNote'))].map((n) => textOf(n).replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n') || null;

  const headlines = elements(content, 'headline');
  const main = headlines.find((h) => /main$/.test(attr(h, 'role') ?? '')) ?? headlines[0];
  const by = elements(content, 'by').map((b) => textOf(b).replace(/\s+/g, ' ').trim()).filter(Boolean);
  const creators = elements(content, 'creator').map((c) => childText(c, 'name') ?? '').filter(Boolean);
  const located = childText(child(content, 'located'), 'name') ?? childText(content, 'dateline') ?? null;
  const language = attr(child(content, 'language'), 'tag') ?? attr(item, 'lang') ?? null;
  const subject = elements(content, 'subject').map((s) => ({ name: childText(s, 'name'), uri: attr(s, 'uri') ?? attr(s, 'qcode') })).filter((s) => s.name || s.uri);

  const body = chooseG2Body(item);
  return {
    uri: guid,
    version,
    pubstatus,
    firstcreated,
    versioncreated,
    headline: textOf(main).replace(/\s+/g, ' ').trim() || body.hedline || '',
    byline: by.join(', ') || creators.join(', ') || body.byline || null,
    located,
    language,
    body_text: body.text,
    ednote,
    subject,
    signals,
  };
}

function chooseG2Body(item: XNode): { text: string; hedline?: string; byline?: string } {
  const set = child(item, 'contentSet');
  const ct = (n: XNode) => (attr(n, 'contenttype') ?? '').toLowerCase();
  const data = elements(set, 'inlineData');
  const xml = elements(set, 'inlineXML');
  const plain = data.find((d) => ct(d) === 'text/plain' || ct(d) === '');
  if (plain) return { text: normalizeText(textOf(plain)) };
  const xhtml = xml.find((x) => /html/.test(ct(x)));
  if (xhtml) {
    const body = descendant(xhtml, 'body') ?? xhtml;
    return { text: xmlToText(body) };
  }
  const htmlData = data.find((d) => /html/.test(ct(d)));
  if (htmlData) return { text: htmlToText(textOf(htmlData)) };
  const nitf = xml.find((x) => /nitf/.test(ct(x))) ?? xml[0];
  if (nitf) return nitfBody(nitf);
  return { text: '' };
}

/**
 * Text of an NITF document or fragment (NITF 3.x): `body.content` rendered
 * to text (media captions and credits left out), plus `hedline/hl1` and
 * `byline` from `body.head` as fallbacks for the item's metadata.
 */
export function nitfBody(node: XNode): { text: string; hedline?: string; byline?: string } {
  const content = descendant(node, 'body.content');
  const head = descendant(node, 'body.head');
  const hl1 = descendant(descendant(head, 'hedline'), 'hl1');
  const by = descendant(head, 'byline');
  const byline = by
    ? by.children.filter((c) => typeof c === 'string' || c.local !== 'byttl').map(textOf).join('').replace(/\s+/g, ' ').replace(/[,;]\s*$/, '').trim()
    : undefined;
  return {
    text: content ? xmlToText(content) : '',
    hedline: hl1 ? textOf(hl1).replace(/\s+/g, ' ').trim() : undefined,
    byline: byline || undefined,
  };
}

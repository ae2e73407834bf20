import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { NormalizationError } from './errors';

/**
 * A parsed XML element: qualified `name` as written (prefix kept, e.g.
 * `at:deleted-entry`), `local` without the prefix, attributes by qualified
 * name, and children in document order (text nodes are strings, CDATA
 * sections included as text).
 */
export interface XNode {
  name: string;
  local: string;
  attrs: Record<string, string>;
  children: Array<XNode | string>;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
  // fast-xml-parser's own limits against entity-expansion bombs, made explicit.
  processEntities: { enabled: true, maxEntitySize: 10_000, maxTotalExpansions: 1_000, maxExpandedLength: 100_000, maxEntityCount: 100 },
  maxNestedTags: 200,
});

/** Local part of a qualified XML name (`atom:entry` → `entry`). */
export const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/** Strip leading comments and the XML declaration (feedparser test files put a comment before it; the encoding was already decided). */
function prepare(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/^(\s*(?:<!--[\s\S]*?-->\s*)*)<\?xml[^>]*\?>/, '$1');
}

/** Escape `&` that starts no entity or character reference (the commonest breakage in real feeds; node-feedparser test `saxerror.xml`). */
export function escapeBareAmpersands(text: string): string {
  return text.replace(/&(?!#\d{1,7};|#x[0-9a-fA-F]{1,6};|[A-Za-z_][\w.-]{0,40};)/g, '&amp;');
}

/**
 * Parse an XML document into an XNode tree (the root element).
 * Well-formedness is checked first with fast-xml-parser's validator; a
 * document whose only fault is bare `&` characters is repaired and parsed
 * (feed readers do the same), anything else is refused.
 * @throws NormalizationError `(document)`: "malformed XML at line L, column C: <reason>" or "no root element".
 */
export function parseXml(text: string): XNode {
  let src = prepare(text);
  if (!/<[A-Za-z_]/.test(src.replace(/<!--[\s\S]*?(?:-->|$)/g, ''))) throw new NormalizationError('(document)', 'empty document: no root element');
  let check = XMLValidator.validate(src, { allowBooleanAttributes: true });
  if (check !== true) {
    // Repairs, each only kept when the result is well-formed: bare ampersands; a last end tag cut short at the end of the file ("</rss").
    let repaired = escapeBareAmpersands(src);
    repaired = repaired.replace(/(<\/[A-Za-z_][\w.:-]*)\s*$/, '$1>');
    const again = repaired !== src ? XMLValidator.validate(repaired, { allowBooleanAttributes: true }) : check;
    if (again === true) {
      src = repaired;
      check = true;
    }
  }
  if (check !== true) {
    const e = check.err;
    const unclosed = /^Invalid '\[([^\]]*)\]' found/.exec(e.msg);
    const msg = unclosed ? `unclosed element(s) ${unclosed[1].replace(/[\s"]+/g, '').split(',').filter(Boolean).join(', ')} at the end of the document` : e.msg;
    throw new NormalizationError('(document)', `malformed XML at line ${e.line ?? '?'}${e.col ? `, column ${e.col}` : ''}: ${msg}`);
  }
  let raw: any[];
  try {
    raw = parser.parse(src);
  } catch (err) {
    throw new NormalizationError('(document)', `malformed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const nodes = convert(raw);
  const root = nodes.find((n): n is XNode => typeof n !== 'string');
  if (!root) throw new NormalizationError('(document)', 'empty document: no root element');
  return root;
}

function convert(list: any[]): Array<XNode | string> {
  const out: Array<XNode | string> = [];
  for (const entry of list ?? []) {
    for (const key of Object.keys(entry)) {
      if (key === ':@') continue;
      const val = entry[key];
      if (key === '#text') out.push(String(val));
      else if (key === '#cdata') out.push(...(Array.isArray(val) ? val.map((v: any) => String(v['#text'] ?? '')) : [String(val)]));
      else out.push({ name: key, local: localName(key), attrs: { ...(entry[':@'] ?? {}) }, children: Array.isArray(val) ? convert(val) : [] });
    }
  }
  return out;
}

/** Child elements (optionally only those with local name `local`). */
export function elements(node: XNode | undefined, local?: string): XNode[] {
  if (!node) return [];
  return node.children.filter((c): c is XNode => typeof c !== 'string' && (local === undefined || c.local === local));
}

/** First child element with local name `local`. */
export const child = (node: XNode | undefined, local: string): XNode | undefined => elements(node, local)[0];

/** First descendant element (depth first) with local name `local`. */
export function descendant(node: XNode | undefined, local: string): XNode | undefined {
  if (!node) return undefined;
  for (const c of elements(node)) {
    if (c.local === local) return c;
    const d = descendant(c, local);
    if (d) return d;
  }
  return undefined;
}

/** All text inside a node, concatenated (no layout). */
export function textOf(node: XNode | string | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  return node.children.map(textOf).join('');
}

/** Trimmed, whitespace-collapsed text of the first child `local`, or undefined when absent/empty. */
export function childText(node: XNode | undefined, local: string): string | undefined {
  const t = textOf(child(node, local)).replace(/\s+/g, ' ').trim();
  return t === '' ? undefined : t;
}

/** Attribute by local name (`xml:lang` → `lang` also matches). */
export function attr(node: XNode | undefined, local: string): string | undefined {
  if (!node) return undefined;
  if (node.attrs[local] !== undefined) return node.attrs[local];
  for (const [k, v] of Object.entries(node.attrs)) if (localName(k) === local) return v;
  return undefined;
}

const BLOCK = new Set(['p', 'div', 'section', 'article', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'pre', 'tr', 'header', 'footer', 'ul', 'ol', 'table', 'hr', 'hl1', 'hl2', 'block', 'body.content', 'dd', 'dt', 'nitf-table', 'bq', 'fn', 'note']);
/** Not text of the story: scripts, NITF media (captions, credits), head/end matter, ruby annotations. */
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'media', 'figure', 'figcaption', 'body.head', 'body.end', 'rt', 'rp', 'img', 'object', 'iframe', 'nav', 'aside']);

/**
 * Render an inline XML body (NITF `body.content`, XHTML) to plain text:
 * block elements become paragraphs separated by a blank line, `<br/>` a
 * line break, whitespace collapsed as a browser would. NITF `media`
 * (captions and credits), `body.head` (headline/byline, kept as metadata)
 * and `body.end` are left out.
 */
export function xmlToText(node: XNode): string {
  const paras: string[] = [];
  let cur = '';
  const flush = () => {
    const t = cur.replace(/[ \t\u00a0]+/g, ' ').replace(/ *\n */g, '\n').trim();
    if (t) paras.push(t);
    cur = '';
  };
  const walk = (n: XNode | string, depth: number): void => {
    if (typeof n === 'string') {
      cur += n.replace(/\s+/g, ' ');
      return;
    }
    if (depth > 200) return;
    const tag = n.local.toLowerCase();
    if (SKIP.has(tag)) return;
    if (tag === 'br') {
      cur += '\n';
      return;
    }
    const block = BLOCK.has(tag);
    if (block) flush();
    for (const c of n.children) walk(c, depth + 1);
    if (block) flush();
  };
  walk(node, 0);
  flush();
  return paras.join('\n\n');
}

/** Serialize an XNode subtree back to markup (for HTML rendering of inline XHTML when needed). */
export function serializeXml(node: XNode | string): string {
  if (typeof node === 'string') return node.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`).join('');
  return `<${node.local}${attrs}>${node.children.map(serializeXml).join('')}</${node.local}>`;
}

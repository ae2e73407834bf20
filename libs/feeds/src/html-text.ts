import { parseHTML } from 'linkedom';

const BLOCK = new Set(['P', 'DIV', 'SECTION', 'ARTICLE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'BLOCKQUOTE', 'PRE', 'TR', 'HEADER', 'FOOTER', 'FIGURE', 'FIGCAPTION', 'UL', 'OL', 'TABLE', 'HR']);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD']);

/**
 * Render an HTML or XHTML fragment to plain text with linkedom: block
 * elements become paragraphs separated by a blank line, `<br>` a line break,
 * scripts and styles are dropped, entities decoded. Inline whitespace is
 * collapsed as a browser would.
 */
export function htmlToText(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const paras: string[] = [];
  let cur = '';
  const flush = () => {
    const t = cur.replace(/[ \t\u00a0]+/g, ' ').replace(/ *\n */g, '\n').trim();
    if (t) paras.push(t);
    cur = '';
  };
  const walk = (node: any): void => {
    if (node.nodeType === 3) {
      cur += String(node.nodeValue).replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = String(node.tagName).toUpperCase();
    if (SKIP.has(tag)) return;
    if (tag === 'BR') {
      cur += '\n';
      return;
    }
    const block = BLOCK.has(tag);
    if (block) flush();
    for (const child of node.childNodes) walk(child);
    if (block) flush();
  };
  walk(document.body);
  flush();
  return paras.join('\n\n');
}

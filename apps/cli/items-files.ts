import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** One input file, read and JSON-parsed (or the parse error); XML and HTML files are kept as bytes. */
export interface InputFile {
  file: string;
  /** File name without its extension (the corpus article id). */
  article: string;
  raw?: unknown;
  /** An XML or HTML document (NewsML-G2, RSS, Atom, HTML page), sent as is with `contentType`. */
  bytes?: Buffer;
  contentType?: string;
  error?: string;
}

/** Extensions `timeline ingest` reads from a folder. */
export const INPUT_EXTENSIONS = /\.(json|xml|rss|atom|html?)$/i;

/** Content-Type for a non-JSON input file, from its extension and first bytes. */
export function documentContentType(file: string, bytes: Buffer): string {
  const head = bytes.subarray(0, 4096).toString('latin1');
  if (/\.html?$/i.test(file) || /^\s*(?:<!doctype html|<html[\s>])/i.test(head)) return 'text/html';
  const root = /<(?!\?|!)([A-Za-z_][\w.:-]*)/.exec(head.replace(/<!--[\s\S]*?-->/g, ''))?.[1] ?? '';
  const local = root.replace(/^.*:/, '');
  if (local === 'rss' || local === 'RDF') return 'application/rss+xml';
  if (local === 'feed') return 'application/atom+xml';
  if (/^(newsItem|newsMessage)$/.test(local)) return 'application/vnd.iptc.g2.newsitem+xml';
  return 'application/xml';
}

/**
 * Expand `<file|dir|->` arguments to input files: a directory gives its
 * `*.json`, `*.xml`, `*.rss`, `*.atom`, `*.html` files (not recursive), `-` reads standard input (ninjs JSON). Files are parsed
 * here; a parse failure is kept on the entry (the caller reports it by name)
 * rather than thrown, so one bad file does not hide the others.
 */
export function readInputs(args: string[], stdin?: () => string): InputFile[] {
  const out: InputFile[] = [];
  for (const arg of args) {
    if (arg === '-') {
      out.push(parse('<stdin>', 'stdin', () => (stdin ?? (() => readFileSync(0, 'utf8')))()));
      continue;
    }
    let st;
    try {
      st = statSync(arg);
    } catch {
      out.push({ file: arg, article: path.basename(arg, '.json'), error: 'no such file or directory' });
      continue;
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(arg).filter((f) => INPUT_EXTENSIONS.test(f)).sort()) {
        const p = path.join(arg, f);
        out.push(readOne(p));
      }
    } else {
      out.push(readOne(arg));
    }
  }
  return out;
}

/** Read one file: `.json` is parsed (ninjs), anything else kept as bytes with its Content-Type. */
export function readOne(p: string): InputFile {
  if (/\.json$/i.test(p)) return parse(p, path.basename(p, '.json'), () => readFileSync(p, 'utf8'));
  const article = path.basename(p).replace(/\.[^.]+$/, '');
  try {
    const bytes = readFileSync(p);
    return { file: p, article, bytes, contentType: documentContentType(p, bytes) };
  } catch (err) {
    return { file: p, article, error: (err as Error).message };
  }
}

function parse(file: string, article: string, read: () => string): InputFile {
  try {
    const text = read().replace(/^\uFEFF/, '');
    return { file, article, raw: JSON.parse(text) };
  } catch (err) {
    return { file, article, error: err instanceof SyntaxError ? `malformed JSON: ${err.message}` : (err as Error).message };
  }
}

/** Order inputs by their `firstcreated` (any ninjs generation), stable; unparseable ones last. */
export function byFirstCreated(files: InputFile[]): InputFile[] {
  const key = (f: InputFile) => {
    const o = f.raw as Record<string, unknown> | undefined;
    const v = o && (o.firstcreated ?? o.firstCreated ?? o.versioncreated ?? o.versionCreated);
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    return Number.isNaN(t) ? Infinity : t;
  };
  return files.map((f, i) => ({ f, i, k: key(f) })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.f);
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** One input file, read and JSON-parsed (or the parse error). */
export interface InputFile {
  file: string;
  /** File name without `.json` (the corpus article id). */
  article: string;
  raw?: unknown;
  error?: string;
}

/**
 * Expand `<file|dir|->` arguments to JSON files: a directory gives its
 * `*.json` files (not recursive), `-` reads standard input. Files are parsed
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
      for (const f of readdirSync(arg).filter((f) => f.endsWith('.json')).sort()) {
        const p = path.join(arg, f);
        out.push(parse(p, path.basename(f, '.json'), () => readFileSync(p, 'utf8')));
      }
    } else {
      out.push(parse(arg, path.basename(arg, '.json'), () => readFileSync(arg, 'utf8')));
    }
  }
  return out;
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

import { Command, Option } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { normalizeDocument, NormalizationError } from '@timeline/feeds';
import { loadConfig } from '@timeline/config';
import { ingestCommand, postItems } from './ingest.command';
import { INPUT_EXTENSIONS, readOne } from './items-files';

/**
 * `timeline normalize <file>`: normalize one document (any supported format)
 * without servers and print each item as one JSON object per line on
 * stdout. Refused entries of a feed are reported on stderr, one line each.
 * @returns exit code: 0 when the document was read (even with refused
 *   entries, as long as at least one item came out or none were refused);
 *   1 with `timeline normalize: <file>: <field>: <problem>` on stderr otherwise.
 */
export function normalizeCommand(file: string, opts: { url?: string; contentType?: string; out?: (line: string) => void; err?: (line: string) => void } = {}): number {
  const out = opts.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = opts.err ?? ((l: string) => process.stderr.write(l + '\n'));
  let bytes: Buffer;
  try {
    bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    err(`timeline normalize: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    return 1;
  }
  const cfg = loadConfig();
  try {
    const doc = normalizeDocument(bytes, {
      fileName: file,
      contentType: opts.contentType,
      baseUrl: opts.url,
      receivedAt: new Date().toISOString(),
      maxItemBytes: cfg.itemMaxBytes,
      maxFeedBytes: cfg.feedMaxBytes,
    });
    for (const item of doc.items) out(JSON.stringify(item));
    for (const r of doc.rejected) err(`timeline normalize: ${file}: ${r.message}`);
    return doc.items.length === 0 && doc.rejected.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof NormalizationError) {
      err(`timeline normalize: ${file}: ${e.message}`);
      return 1;
    }
    err(`timeline normalize: ${file}: unexpected error: ${(e as Error).message.split('\n')[0]}`);
    return 1;
  }
}

/** Result of one scan of a drop folder. */
export interface DropScan {
  done: string[];
  rejected: string[];
  /** Files left in place (still being written, or the ingest app unreachable). */
  pending: string[];
}

/**
 * One scan of a drop folder: every input file (`*.json`, `*.xml`, `*.rss`,
 * `*.atom`, `*.html`) whose size and mtime did not change since the previous
 * scan (`seen`; a file still being written waits) is posted to the ingest
 * app (ninjs and NewsML-G2/HTML → /items, feeds → /feeds), then moved to
 * `done/`, or to `rejected/` with `<name>.error.txt` beside it holding the
 * one-line reason. A feed with some refused entries goes to `done/` with an
 * `.error.txt` listing them. Hidden files and `*.part` / `*.tmp` are ignored.
 * When the ingest app cannot be reached the file stays for the next scan.
 */
export async function scanDropFolder(dir: string, ingestUrl: string, seen: Map<string, string> = new Map(), opts: { settle?: boolean } = {}): Promise<DropScan> {
  const done = path.join(dir, 'done');
  const rejected = path.join(dir, 'rejected');
  mkdirSync(done, { recursive: true });
  mkdirSync(rejected, { recursive: true });
  const res: DropScan = { done: [], rejected: [], pending: [] };
  const names = readdirSync(dir).filter((f) => !f.startsWith('.') && INPUT_EXTENSIONS.test(f) && !/\.(part|tmp)$/i.test(f)).sort();
  for (const name of names) {
    const p = path.join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    const sig = `${st.size}:${st.mtimeMs}`;
    if (opts.settle !== false && seen.get(p) !== sig) {
      seen.set(p, sig);
      res.pending.push(name);
      continue;
    }
    seen.delete(p);
    let outcome;
    try {
      [outcome] = await postItems([readOne(p)], ingestUrl);
    } catch {
      res.pending.push(name); // ingest app unreachable: try again next scan
      continue;
    }
    const move = (to: string, note?: string) => {
      const target = uniqueTarget(to, name);
      renameSync(p, target);
      if (note) writeFileSync(`${target}.error.txt`, note + '\n');
    };
    if (outcome.ok) {
      move(done, outcome.message);
      res.done.push(name);
    } else {
      move(rejected, `${name}: ${outcome.status ? `HTTP ${outcome.status}: ` : ''}${outcome.message ?? 'rejected'}`);
      res.rejected.push(name);
    }
  }
  return res;
}

function uniqueTarget(dir: string, name: string): string {
  let target = path.join(dir, name);
  for (let n = 1; existsSync(target); n++) target = path.join(dir, name.replace(/(\.[^.]+)?$/, `.${n}$1`));
  return target;
}

/** `timeline ingest --watch <dir>`: scan every `intervalMs` until `signal` aborts (Ctrl-C). */
export async function watchDropFolder(dir: string, ingestUrl: string, opts: { intervalMs?: number; signal?: AbortSignal; log?: (l: string) => void } = {}): Promise<void> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const seen = new Map<string, string>();
  log(`watching ${dir} (done/ and rejected/ beside it); Ctrl-C stops`);
  while (!opts.signal?.aborted) {
    const r = await scanDropFolder(dir, ingestUrl, seen);
    for (const f of r.done) log(`done ${f}`);
    for (const f of r.rejected) log(`rejected ${f} (see rejected/${f}.error.txt)`);
    await new Promise<void>((res) => {
      const t = setTimeout(res, opts.intervalMs ?? 1000);
      opts.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        res();
      }, { once: true });
    });
  }
}

/** Conditional-GET state of a polled feed (RFC 9110 §13.1). */
export interface PollState {
  etag?: string;
  lastModified?: string;
}

/** Result of one poll. */
export interface PollResult {
  status: number;
  /** false on 304 Not Modified. */
  changed: boolean;
  accepted?: number;
  rejected?: number;
  message?: string;
}

/**
 * Fetch a feed once with `If-None-Match` / `If-Modified-Since` from `state`
 * (updated from the answer's `ETag` / `Last-Modified`); on 200 post the body
 * as is to `<ingestUrl>/feeds` with its Content-Type and `Content-Location`
 * = the feed URL (base for relative links). 304 posts nothing.
 * @throws Error with a one-line message when the feed or the ingest app cannot be reached.
 */
export async function pollOnce(url: string, ingestUrl: string, state: PollState, opts: { maxBytes?: number } = {}): Promise<PollResult> {
  const headers: Record<string, string> = { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, application/json;q=0.8, */*;q=0.5' };
  if (state.etag) headers['if-none-match'] = state.etag;
  if (state.lastModified) headers['if-modified-since'] = state.lastModified;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new Error(`cannot fetch ${url}: ${(err as Error).message}`);
  }
  if (res.status === 304) return { status: 304, changed: false };
  if (!res.ok) return { status: res.status, changed: false, message: `${url} answered HTTP ${res.status}` };
  const body = Buffer.from(await res.arrayBuffer());
  if (opts.maxBytes && body.length > opts.maxBytes) return { status: 413, changed: false, message: `${url} is ${body.length} bytes; the limit is ${opts.maxBytes} bytes (FEED_MAX_BYTES)` };
  let posted: Response;
  try {
    posted = await fetch(`${ingestUrl}/feeds`, { method: 'POST', headers: { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream', 'content-location': url }, body: new Uint8Array(body) });
  } catch (err) {
    throw new Error(`cannot reach the ingest app at ${ingestUrl}: ${(err as Error).message}`);
  }
  const answer = (await posted.json().catch(() => ({}))) as Record<string, any>;
  if (posted.status !== 202) return { status: posted.status, changed: true, message: answer.message ?? posted.statusText };
  // Remember the validators only once the content is in, so a failed ingest is fetched again.
  state.etag = res.headers.get('etag') ?? undefined;
  state.lastModified = res.headers.get('last-modified') ?? undefined;
  return { status: 200, changed: true, accepted: answer.accepted, rejected: answer.rejected };
}

/** Parse `60s`, `5m`, `1h`, `500ms` or plain seconds into milliseconds. */
export function parseInterval(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`--every: "${s}" is not an interval (e.g. 60s, 5m, 1h)`);
  const n = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (n < 1000) throw new Error(`--every: "${s}" is shorter than one second`);
  return n;
}

const defaultIngestUrl = () => `http://127.0.0.1:${process.env.INGEST_PORT ?? 3001}`;

/**
 * Register the feed commands on the `timeline` program: `normalize`, `poll`,
 * and `--watch <dir>` on the existing `ingest` command.
 */
export function registerFeedCommands(program: Command): void {
  program
    .command('normalize')
    .argument('<file>', 'a document in any supported format (ninjs, NewsML-G2, RSS, Atom, JSON Feed, HTML), or - for standard input')
    .description('Normalize a document without servers; print each wire item as one JSON object per line (refusals on stderr, exit 1).')
    .option('--url <url>', 'the document\'s URL (base for relative links; the URL of an HTML page)')
    .option('--content-type <type>', 'treat the input as this Content-Type (default: sniffed)')
    .action((file: string, o) => {
      process.exitCode = normalizeCommand(file, { url: o.url, contentType: o.contentType });
    });

  program
    .command('poll')
    .argument('<url>', 'feed URL (RSS, Atom or JSON Feed)')
    .description('Poll a feed with ETag / If-Modified-Since and send each new version of it to the ingest app (POST /feeds).')
    .option('--every <interval>', 'poll interval, e.g. 60s, 5m', '60s')
    .option('--once', 'poll once and exit')
    .addOption(new Option('--url <url>', 'ingest app URL').default(defaultIngestUrl()))
    .action(async (url: string, o) => {
      const every = parseInterval(o.every);
      const state: PollState = {};
      const ac = new AbortController();
      process.once('SIGINT', () => ac.abort());
      for (;;) {
        try {
          const r = await pollOnce(url, o.url.replace(/\/$/, ''), state, { maxBytes: loadConfig().feedMaxBytes });
          if (r.status === 304) console.log(`${new Date().toISOString()} ${url}: not modified`);
          else if (r.accepted !== undefined) console.log(`${new Date().toISOString()} ${url}: ${r.accepted} accepted, ${r.rejected} rejected`);
          else console.error(`${new Date().toISOString()} ${url}: ${r.message}`);
          if (o.once) process.exitCode = r.status === 200 || r.status === 304 ? 0 : 1;
        } catch (err) {
          console.error(`timeline poll: ${(err as Error).message}`);
          if (o.once) process.exitCode = 1;
        }
        if (o.once || ac.signal.aborted) return;
        await new Promise<void>((res) => {
          const t = setTimeout(res, every);
          ac.signal.addEventListener('abort', () => (clearTimeout(t), res()), { once: true });
        });
        if (ac.signal.aborted) return;
      }
    });

  const ingest = program.commands.find((c) => c.name() === 'ingest');
  if (ingest) {
    // `timeline ingest --watch <dir>` needs no other input.
    for (const a of ingest.registeredArguments) (a as { required: boolean }).required = false;
    ingest
      .addOption(new Option('--watch <dir>', 'drop folder: ingest new files, move them to done/ or rejected/ (with a .error.txt)'))
      .addOption(new Option('--interval <ms>', 'drop-folder scan interval in ms').default('1000'))
      .action(async (inputs: string[], o) => {
        const url = String(o.url).replace(/\/$/, '');
        if (o.watch) {
          const ac = new AbortController();
          process.once('SIGINT', () => ac.abort());
          await watchDropFolder(o.watch, url, { intervalMs: Number(o.interval) || 1000, signal: ac.signal });
          return;
        }
        if (!inputs?.length) throw new Error("missing required argument 'inputs' (or --watch <dir>)");
        process.exitCode = await ingestCommand(inputs, { url });
      });
  }
}

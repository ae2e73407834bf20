import { SingleBar, Presets } from 'cli-progress';
import { byFirstCreated, InputFile, readInputs } from './items-files';

/** Outcome of posting one file to the ingest app. */
export interface PostOutcome {
  file: string;
  ok: boolean;
  status: number;
  eventIds: string[];
  storyId?: string;
  statements?: number;
  duplicate?: boolean;
  message?: string;
}

/**
 * POST each input (in firstcreated order) to `<ingestUrl>/items`. Bad files
 * are reported by name and do not stop the others. Shows a progress bar on
 * a terminal when there is more than one file.
 */
export async function postItems(files: InputFile[], ingestUrl: string, opts: { progress?: boolean } = {}): Promise<PostOutcome[]> {
  const ordered = byFirstCreated(files);
  const bar = opts.progress && ordered.length > 1 && process.stderr.isTTY ? new SingleBar({ format: 'ingest [{bar}] {value}/{total} items | {file}', stream: process.stderr }, Presets.shades_classic) : null;
  bar?.start(ordered.length, 0, { file: '' });
  const out: PostOutcome[] = [];
  for (const f of ordered) {
    if (f.error) {
      out.push({ file: f.file, ok: false, status: 0, eventIds: [], message: f.error });
      bar?.increment(1, { file: f.article });
      continue;
    }
    let res: Response;
    // ninjs JSON goes to /items; a feed (RSS, Atom, JSON Feed) to /feeds; NewsML-G2 and HTML to /items with their Content-Type.
    const req = requestFor(f);
    try {
      res = await fetch(`${ingestUrl}${req.path}`, { method: 'POST', headers: { 'content-type': req.contentType }, body: req.body });
    } catch (err) {
      bar?.stop();
      throw new Error(`cannot reach the ingest app at ${ingestUrl}: ${(err as Error).message} (is it running? start it with: node dist/apps/ingest/main.js)`);
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, any>;
    if (res.status === 202 && Array.isArray(body.items)) {
      // a document of several items: one line per document, failures named
      const bad = body.items.filter((o: any) => !o.ok);
      out.push({
        file: f.file, ok: body.accepted > 0 || body.items.length === 0, status: 202, eventIds: body.eventIds ?? [],
        storyId: body.items.find((o: any) => o.ok)?.storyId, statements: body.items.reduce((n: number, o: any) => n + (o.statements ?? 0), 0),
        duplicate: body.items.length > 0 && body.items.every((o: any) => !o.ok || o.duplicate),
        message: bad.length ? `${body.accepted} of ${body.items.length} entries accepted; ${bad.map((o: any) => o.message).join('; ')}` : undefined,
      });
    } else {
      out.push(
        res.status === 202
          ? { file: f.file, ok: true, status: 202, eventIds: body.eventIds, storyId: body.storyId, statements: body.statements, duplicate: body.duplicate }
          : { file: f.file, ok: false, status: res.status, eventIds: [], message: body.message ?? res.statusText },
      );
    }
    bar?.increment(1, { file: f.article });
  }
  bar?.stop();
  return out;
}

/** Where and how to POST one input: ninjs JSON → /items; RSS, Atom, JSON Feed → /feeds; NewsML-G2, HTML → /items. */
export function requestFor(f: InputFile): { path: string; contentType: string; body: string | Uint8Array } {
  if (f.bytes) {
    const ct = f.contentType ?? 'application/xml';
    const feed = /rss\+xml|atom\+xml/.test(ct);
    return { path: feed ? '/feeds' : '/items', contentType: ct, body: new Uint8Array(f.bytes) };
  }
  const raw = f.raw as Record<string, unknown> | undefined;
  const jsonFeed = !!raw && typeof raw.version === 'string' && /jsonfeed\.org\/version/.test(raw.version);
  return jsonFeed ? { path: '/feeds', contentType: 'application/feed+json', body: JSON.stringify(raw) } : { path: '/items', contentType: 'application/json', body: JSON.stringify(raw) };
}

/** `timeline ingest <file|dir|->`: exit code 0 when every file was accepted, 1 otherwise. */
export async function ingestCommand(args: string[], opts: { url: string }): Promise<number> {
  const outcomes = await postItems(readInputs(args), opts.url.replace(/\/$/, ''), { progress: true });
  let failed = 0;
  for (const o of outcomes) {
    if (o.ok) {
      console.log(`accepted ${o.file}: story ${o.storyId}, ${o.statements} statements, ${o.eventIds.length} events${o.duplicate ? ' (already ingested)' : ''}`);
    } else {
      failed += 1;
      console.error(`rejected ${o.file}: ${o.status ? `HTTP ${o.status}: ` : ''}${o.message}`);
    }
  }
  console.log(`${outcomes.length - failed} accepted, ${failed} rejected`);
  return failed ? 1 : 0;
}

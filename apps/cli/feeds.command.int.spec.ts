import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { normalizeCommand, parseInterval, pollOnce, PollState, scanDropFolder } from './feeds.command';

/** A stand-in ingest app on 127.0.0.1 recording what it is sent: 202 unless the body contains "BAD". */
async function fakeIngest(): Promise<{ url: string; seen: Array<{ path: string; type: string; location?: string; body: string }>; close(): Promise<void> }> {
  const seen: Array<{ path: string; type: string; location?: string; body: string }> = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ path: req.url ?? '', type: String(req.headers['content-type']), location: req.headers['content-location'] as string | undefined, body });
    res.setHeader('content-type', 'application/json');
    if (body.includes('BAD')) {
      res.statusCode = 400;
      res.end(JSON.stringify({ statusCode: 400, field: 'uri', message: 'uri: missing (the item identity is required)' }));
    } else if (req.url === '/feeds') {
      res.statusCode = 202;
      res.end(JSON.stringify({ format: 'rss', accepted: 1, rejected: 0, eventIds: ['e1'], items: [{ ok: true, index: 0, uri: 'u', eventIds: ['e1'], statements: 0, storyId: 's' }] }));
    } else {
      res.statusCode = 202;
      res.end(JSON.stringify({ uri: 'u', version: 1, storyId: 's', statements: 0, eventIds: ['e1'], duplicate: false }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><item><guid>http://e.x/1</guid><title>T</title></item></channel></rss>';

describe('timeline ingest --watch (drop folder)', () => {
  let dir: string;
  let ingest: Awaited<ReturnType<typeof fakeIngest>>;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'drop-'));
    ingest = await fakeIngest();
  });
  afterEach(async () => {
    await ingest.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given new files, waits until they are stable, sends each with its Content-Type, moves them to done/ or rejected/ with a .error.txt', async () => {
    writeFileSync(path.join(dir, 'item.json'), JSON.stringify({ uri: 'urn:x:1', versioncreated: '2024-01-01T00:00:00Z' }));
    writeFileSync(path.join(dir, 'feed.xml'), RSS);
    writeFileSync(path.join(dir, 'page.html'), '<!doctype html><html><body><p>hello</p></body></html>');
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ headline: 'BAD' }));
    writeFileSync(path.join(dir, 'half.xml.part'), '<rss');
    const seen = new Map<string, string>();
    const first = await scanDropFolder(dir, ingest.url, seen);
    expect(first.pending.sort()).toEqual(['bad.json', 'feed.xml', 'item.json', 'page.html']);
    expect(ingest.seen).toHaveLength(0);
    const second = await scanDropFolder(dir, ingest.url, seen);
    expect(second.done.sort()).toEqual(['feed.xml', 'item.json', 'page.html']);
    expect(second.rejected).toEqual(['bad.json']);
    expect(ingest.seen.map((s) => [s.path, s.type]).sort()).toEqual([
      ['/feeds', 'application/rss+xml'],
      ['/items', 'application/json'],
      ['/items', 'application/json'],
      ['/items', 'text/html'],
    ]);
    expect(existsSync(path.join(dir, 'done', 'feed.xml'))).toBe(true);
    expect(existsSync(path.join(dir, 'item.json'))).toBe(false);
    expect(readFileSync(path.join(dir, 'rejected', 'bad.json.error.txt'), 'utf8')).toBe('bad.json: HTTP 400: uri: missing (the item identity is required)\n');
    expect(existsSync(path.join(dir, 'half.xml.part'))).toBe(true);
  });

  it('given the ingest app down, leaves the file in place for the next scan', async () => {
    writeFileSync(path.join(dir, 'item.json'), JSON.stringify({ uri: 'urn:x:1' }));
    const r = await scanDropFolder(dir, 'http://127.0.0.1:9', new Map(), { settle: false });
    expect(r.pending).toEqual(['item.json']);
    expect(existsSync(path.join(dir, 'item.json'))).toBe(true);
  });
});

describe('timeline poll', () => {
  let feed: Server;
  let feedUrl: string;
  let hits: Array<Record<string, string | undefined>>;
  let ingest: Awaited<ReturnType<typeof fakeIngest>>;
  beforeAll(async () => {
    hits = [];
    feed = createServer((req, res) => {
      hits.push({ inm: req.headers['if-none-match'] as string | undefined, ims: req.headers['if-modified-since'] as string | undefined });
      if (req.headers['if-none-match'] === '"v1"') {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
      res.setHeader('etag', '"v1"');
      res.setHeader('last-modified', 'Wed, 01 May 2024 10:00:00 GMT');
      res.end(RSS);
    });
    await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
    feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/feed.xml`;
    ingest = await fakeIngest();
  });
  afterAll(async () => {
    await ingest.close();
    await new Promise((r) => feed.close(r));
  });

  it('sends the feed once, then asks with If-None-Match / If-Modified-Since and sends nothing on 304', async () => {
    const state: PollState = {};
    const first = await pollOnce(feedUrl, ingest.url, state);
    expect(first).toMatchObject({ status: 200, changed: true, accepted: 1, rejected: 0 });
    expect(state).toEqual({ etag: '"v1"', lastModified: 'Wed, 01 May 2024 10:00:00 GMT' });
    expect(ingest.seen).toHaveLength(1);
    expect(ingest.seen[0]).toMatchObject({ path: '/feeds', type: 'application/rss+xml; charset=utf-8', location: feedUrl, body: RSS });
    const second = await pollOnce(feedUrl, ingest.url, state);
    expect(second).toEqual({ status: 304, changed: false });
    expect(hits[1]).toEqual({ inm: '"v1"', ims: 'Wed, 01 May 2024 10:00:00 GMT' });
    expect(ingest.seen).toHaveLength(1);
  });

  it('refuses a feed over the size limit without sending it', async () => {
    const r = await pollOnce(feedUrl, ingest.url, {}, { maxBytes: 10 });
    expect(r).toMatchObject({ status: 413, message: expect.stringMatching(/FEED_MAX_BYTES/) });
  });

  it('says in one line when the feed cannot be reached', async () => {
    await expect(pollOnce('http://127.0.0.1:9/feed', ingest.url, {})).rejects.toThrow(/^cannot fetch http:\/\/127\.0\.0\.1:9\/feed: /);
  });

  it('parses --every', () => {
    expect(parseInterval('60s')).toBe(60_000);
    expect(parseInterval('5m')).toBe(300_000);
    expect(() => parseInterval('soon')).toThrow(/--every/);
  });
});

describe('timeline normalize', () => {
  const feeds = path.resolve(__dirname, '../../../shared/corpus/feeds');
  const run = (file: string, opts = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = normalizeCommand(file, { ...opts, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  it('prints one JSON wire item per line', () => {
    const r = run(path.join(feeds, 'newsml-g2/iptc-newsinjson/tools/xslt/TT_newsmlg2_sample.xml'));
    expect(r.code).toBe(0);
    expect(r.out.map((l) => JSON.parse(l).uri)).toEqual(['http://tt.se/media/text/210919-janguillou-879f202b', 'http://tt.se/media/image/sdlm1btzmKu8WU']);
    expect(r.err).toEqual([expect.stringMatching(/^timeline normalize: .*TT_newsmlg2_sample\.xml: entry 0 .*packageItem carries no text/)]);
  });

  it('exits 1 with one line naming the file and the problem', () => {
    const file = path.join(feeds, 'rss/kurtmckee-feedparser/tests/illformed/rss_incomplete_cdata.xml');
    const r = run(file);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([`timeline normalize: ${file}: (document): malformed XML at line 1, column 1: unclosed element(s) rss, channel, item, title at the end of the document`]);
    expect(run('/nonexistent/x.xml').err).toEqual(['timeline normalize: /nonexistent/x.xml: no such file']);
  });
});

import { hashApiKey } from '@timeline/runtime';
import { Pipeline, startPipeline } from './support/pipeline';

/**
 * Access control (issue 5, item 6) through the running apps: API keys and
 * scopes (401 / 403 with JSON messages), the ingest rate limit (429 with
 * Retry-After), body limits on every route, and injection strings through
 * every query parameter, path parameter and body field of api and ingest:
 * clean 4xx (or a correct 2xx storing the string as data), never a 5xx, and
 * the events already in the log unchanged (digest).
 */
const KEY = { feeder: 'feeder-key-1', reader: 'reader-key-1', ops: 'ops-key-1', feeder2: 'feeder-key-2' };
const API_KEYS = [
  `feeder:ingest:${hashApiKey(KEY.feeder)}`,
  `feeder2:ingest:${hashApiKey(KEY.feeder2)}`,
  `reader:read:${hashApiKey(KEY.reader)}`,
  `ops:admin+read:${hashApiKey(KEY.ops)}`,
].join(',');

const ITEM = {
  uri: 'urn:newsml:example.org:20240601:harbour',
  version: '1',
  pubstatus: 'usable',
  firstcreated: '2024-06-01T09:00:00Z',
  versioncreated: '2024-06-01T09:00:00Z',
  headline: 'Harbourton port reopens',
  body_text: '"The port is open again," harbour master Lena Holt told reporters in Harbourton on Saturday.',
  language: 'en',
};

async function call(url: string, opts: { method?: string; key?: string; body?: unknown; type?: string } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
  const res = await fetch(url, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: left as text (asserted where it matters)
  }
  return { status: res.status, body, headers: res.headers };
}

const INJECTIONS: unknown[] = [
  "'; DROP TABLE events; --",
  "1' OR '1'='1",
  '" OR ""="',
  "' UNION SELECT hash FROM stream_heads --",
  '1; DELETE FROM checkpoints',
  '{"$gt":""}',
  '{"__proto__":{"admin":true}}',
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '/dev/zero',
  '1e309',
  '-1',
  '99999999999999999999999999999',
  '9007199254740993',
  'NaN',
  'Infinity',
  '0x7fffffff',
  '𝔗𝔢𝔰𝔱 🔥 \u202eRTL\u202c ÿ 中文',
  '<script>alert(1)</script>',
  '${7*7} %s%s%n',
  'x'.repeat(20_000),
  1e308,
  -1,
  2 ** 64,
  { $ne: null },
  ['a', 'b'],
  null,
  true,
];

describe('access control: keys, scopes, injections', () => {
  let p: Pipeline;
  let storyId: string;
  beforeAll(async () => {
    p = await startPipeline({ API_KEYS });
    const res = await call(`${p.ingestUrl}/items`, { key: KEY.feeder, body: ITEM });
    expect(res.status).toBe(202);
    storyId = res.body.storyId;
    await p.settled(res.body.eventIds);
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  it('answers 401 without or with an unknown key and 403 without the scope, with JSON messages; read routes and /health stay public', async () => {
    const none = await call(`${p.ingestUrl}/items`, { body: ITEM });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'this route needs an API key with scope "ingest": send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"' });
    expect((await call(`${p.ingestUrl}/items`, { body: ITEM, key: 'guessed' })).body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'unknown API key' });
    const wrong = await call(`${p.ingestUrl}/feeds`, { body: '<rss/>', type: 'application/rss+xml', key: KEY.reader });
    expect(wrong.status).toBe(403);
    expect(wrong.body.message).toBe('API key "reader" lacks scope "ingest" (it has: read)');

    expect((await call(`${p.apiUrl}/dead-letters`)).status).toBe(401);
    expect((await call(`${p.apiUrl}/dead-letters`, { key: KEY.feeder })).status).toBe(403);
    expect((await call(`${p.apiUrl}/dead-letters`, { key: KEY.ops })).status).toBe(200);
    expect((await call(`${p.apiUrl}/audit/verify`, { key: KEY.reader })).status).toBe(403);
    expect((await call(`${p.apiUrl}/audit/verify`, { key: KEY.ops })).body.ok).toBe(true);

    expect((await call(`${p.apiUrl}/stories`)).status).toBe(200);
    expect((await call(`${p.apiUrl}/stories/${storyId}/timeline`)).body.missingEvents).toEqual([]);
    expect((await call(`${p.apiUrl}/health`)).status).toBe(200);
  });

  async function digest(upTo?: string): Promise<{ head: string; digest: string; tables: string[] }> {
    const s = `"${p.db.schema}"`;
    const head = (await p.db.pool.query(`SELECT coalesce(max(global_position), 0)::text AS h FROM ${s}.events`)).rows[0].h;
    const d = await p.db.pool.query(
      `SELECT md5(coalesce(string_agg(global_position || ':' || event_id || ':' || stream_id || ':' || stream_position || ':' || hash || ':' || md5(data::text), ',' ORDER BY global_position), '')) AS d
         FROM ${s}.events WHERE global_position <= $1::bigint`,
      [upTo ?? head],
    );
    const t = await p.db.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [p.db.schema]);
    return { head, digest: d.rows[0].d, tables: t.rows.map((r) => r.table_name) };
  }

  const asParam = (v: unknown) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));
  /** Node's HTTP server refuses a request line over its 16 KB header limit itself: 431, empty body, before the app. */
  const refusedByServer = (r: { status: number; body: unknown }, url: string) => r.status === 431 && url.length > 16_000;

  it('OpenAPI documents how to send a key: both schemes declared, keyed routes list them with their scope, /health lists none', async () => {
    for (const url of [p.apiUrl, p.ingestUrl]) {
      const doc = (await call(`${url}/docs-json`)).body;
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
      expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    }
    const api = (await call(`${p.apiUrl}/docs-json`)).body;
    expect(api.paths['/dead-letters'].get.security).toEqual([{ apiKey: ['admin'] }, { bearer: ['admin'] }]);
    // read routes need a key only under READ_REQUIRES_KEY: "no key" is listed as an alternative
    expect(api.paths['/stories'].get.security).toEqual([{}, { apiKey: ['read'] }, { bearer: ['read'] }]);
    expect(api.paths['/health'].get.security).toBeUndefined();
    const ingest = (await call(`${p.ingestUrl}/docs-json`)).body;
    expect(ingest.paths['/items'].post.security).toEqual([{ apiKey: ['ingest'] }, { bearer: ['ingest'] }]);
  });

  it('read API: every query and path parameter answers a clean 2xx/4xx to injection strings and the log is unchanged', async () => {
    const before = await digest();
    const urls: string[] = [];
    for (const v of INJECTIONS) {
      const x = asParam(v);
      urls.push(
        `/stories?limit=${x}`,
        `/stories/${x}/timeline`,
        `/stories/${storyId}/timeline?asOf=${x}`,
        `/stories/${storyId}/timeline?position=${x}`,
        `/stories/${storyId}/timeline/diff?from=${x}&to=${x}`,
        `/stories/${storyId}/timeline/diff?from=1&to=${x}`,
        `/statements/${x}`,
        `/statements/${x}/history`,
        `/dead-letters?pending=${x}`,
        `/dead-letters?source=${x}`,
        `/dead-letters?storyId=${x}`,
        `/dead-letters?limit=${x}`,
        `/stories?limit=${x}&limit=${x}`,
      );
    }
    const bad: string[] = [];
    for (const u of urls) {
      const r = await call(`${p.apiUrl}${u}`, { key: KEY.ops });
      if (refusedByServer(r, u)) continue;
      if (r.status >= 500 || r.status < 200 || typeof r.body !== 'object') bad.push(`${r.status} ${u.slice(0, 120)}: ${JSON.stringify(r.body).slice(0, 200)}`);
      else if (r.status >= 400 && typeof r.body.message !== 'string' && !Array.isArray(r.body.message)) bad.push(`${r.status} without message: ${u.slice(0, 120)}`);
    }
    expect(bad).toEqual([]);
    expect(await digest()).toEqual(before);
  }, 120_000);

  it('ingest: injection strings in every body field give 202 (stored verbatim) or a clean 4xx; the events already logged are unchanged', async () => {
    const before = await digest();
    const fields = ['uri', 'version', 'pubstatus', 'firstcreated', 'versioncreated', 'headline', 'body_text', 'byline', 'language', 'ednote', 'located', 'subject'];
    const bad: string[] = [];
    const accepted: Array<{ eventIds: string[]; uri: string; headline?: unknown }> = [];
    let n = 0;
    for (const field of fields) {
      for (const v of INJECTIONS) {
        n += 1;
        const item: Record<string, unknown> = { ...ITEM, uri: `urn:newsml:example.org:inj:${n}`, [field]: v };
        const r = await call(`${p.ingestUrl}/items`, { key: KEY.feeder, body: item });
        if (r.status === 202) accepted.push({ eventIds: r.body.eventIds, uri: r.body.uri, headline: field === 'headline' ? v : undefined });
        else if (r.status < 400 || r.status >= 500 || typeof r.body?.message !== 'string') bad.push(`${field}=${JSON.stringify(v).slice(0, 60)}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
    }
    // Raw documents and the feed URL parameter.
    for (const v of INJECTIONS.filter((x): x is string => typeof x === 'string')) {
      for (const [path, type] of [['/items', 'text/html'], ['/items', 'application/xml'], ['/feeds', 'application/rss+xml'], ['/feeds', 'application/feed+json']]) {
        const r = await call(`${p.ingestUrl}${path}?url=${asParam(v)}`, { key: KEY.feeder, body: v, type });
        if (refusedByServer(r, asParam(v))) continue;
        if (r.status === 202) accepted.push({ eventIds: r.body.eventIds ?? [], uri: r.body.uri });
        else if (r.status < 400 || r.status >= 500 || typeof r.body?.message !== 'string') bad.push(`${path} ${type} ${JSON.stringify(v).slice(0, 60)}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
      const feed = { version: 'https://jsonfeed.org/version/1.1', title: v, items: [{ id: `inj-${v}`.slice(0, 200), url: `https://wire.example/${v}`.slice(0, 300), title: v, content_text: `"${v}," a spokesperson said.`, date_published: '2024-06-01T10:00:00Z' }] };
      const r = await call(`${p.ingestUrl}/feeds`, { key: KEY.feeder, body: JSON.stringify(feed), type: 'application/feed+json' });
      if (r.status === 202) accepted.push({ eventIds: r.body.eventIds ?? [], uri: '' });
      else if (r.status < 400 || r.status >= 500 || typeof r.body?.message !== 'string') bad.push(`feed ${JSON.stringify(v).slice(0, 60)}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    expect(bad).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);
    await p.settled(accepted.flatMap((a) => a.eventIds), 60_000);
    const after = await digest(before.head);
    expect(after.digest).toBe(before.digest);
    expect(after.tables).toEqual(before.tables);
    // Accepted headlines are data: stored verbatim.
    for (const a of accepted.filter((x) => typeof x.headline === 'string')) {
      const r = await p.db.pool.query(`SELECT data->'item'->>'headline' AS h FROM "${p.db.schema}".events WHERE type = 'WireItemRecorded' AND data->'item'->>'uri' = $1`, [a.uri]);
      expect(r.rows[0]?.h).toBe(a.headline);
    }
    const verify = await call(`${p.apiUrl}/audit/verify`, { key: KEY.ops });
    expect(verify.body.ok).toBe(true);
  }, 240_000);
});

describe('access control: rate limit and body limits', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ API_KEYS, INGEST_RATE_LIMIT: '2', ITEM_MAX_BYTES: '100000', FEED_MAX_BYTES: '200000' });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  it('answers 429 with Retry-After past INGEST_RATE_LIMIT per key, and counts each key apart', async () => {
    const send = (key: string, i: number) => call(`${p.ingestUrl}/items`, { key, body: { ...ITEM, uri: `urn:newsml:example.org:rate:${key}:${i}` } });
    expect((await send(KEY.feeder, 1)).status).toBe(202);
    expect((await send(KEY.feeder, 2)).status).toBe(202);
    const third = await send(KEY.feeder, 3);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/^rate limit: more than 2 ingest requests in 60 s from API key "feeder"; retry after \d+ s$/) });
    expect((await send(KEY.feeder2, 1)).status).toBe(202);
  });

  it('applies body limits on every route of both apps (413)', async () => {
    const big = JSON.stringify({ ...ITEM, body_text: 'x'.repeat(150_000) });
    expect((await call(`${p.ingestUrl}/items`, { key: KEY.feeder2, body: big })).status).toBe(413);
    expect((await call(`${p.ingestUrl}/items`, { key: KEY.feeder2, body: 'x'.repeat(250_000), type: 'text/html' })).status).toBe(413);
    expect((await call(`${p.ingestUrl}/feeds`, { key: KEY.feeder2, body: 'x'.repeat(250_000), type: 'application/rss+xml' })).status).toBe(413);
    expect((await call(`${p.ingestUrl}/elsewhere`, { body: big })).status).toBe(413);
    // Without a valid key the body is not read at all: 401, not 413.
    expect((await call(`${p.ingestUrl}/feeds`, { body: 'x'.repeat(250_000), type: 'application/rss+xml' })).status).toBe(401);
    expect((await call(`${p.ingestUrl}/items`, { key: KEY.reader, body: big })).status).toBe(403);
    expect((await call(`${p.apiUrl}/stories`, { method: 'POST', body: JSON.stringify({ x: 'y'.repeat(200_000) }) })).status).toBe(413);
  });
});

describe('access control: READ_REQUIRES_KEY=true', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ API_KEYS, READ_REQUIRES_KEY: 'true' });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  it('refuses every documented GET route but /health without a key (GET /speakers stayed open: its controller lacked the read scope)', async () => {
    const doc = (await call(`${p.apiUrl}/docs-json`)).body;
    const id = '00000000-0000-4000-8000-000000000000';
    const routes = Object.keys(doc.paths).filter((r) => doc.paths[r].get && !r.startsWith('/health'));
    expect(routes).toEqual(expect.arrayContaining(['/stories', '/speakers', '/speakers/{id}/statements', '/statements/{id}']));
    const open: string[] = [];
    for (const route of routes) {
      const url = `${p.apiUrl}${route.replace(/\{[^}]+\}/g, id)}`;
      if ((await call(url)).status !== 401) open.push(route);
    }
    expect(open).toEqual([]);
    expect((await call(`${p.apiUrl}/speakers`, { key: KEY.reader })).status).toBe(200);
    expect((await call(`${p.apiUrl}/health`)).status).not.toBe(401);
  }, 60_000);
});

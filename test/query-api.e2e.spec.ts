import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Pipeline, startPipeline } from './support/pipeline';

const corpus = path.resolve(__dirname, '../../shared/corpus/articles');
const article = (name: string) => JSON.parse(readFileSync(path.join(corpus, `${name}.json`), 'utf8'));
const seed = article('seed-kremlin-venezuela');
const others = ['dev-harbourton-port-strike-begins', 'dev-harbourton-port-offer-denied', 'dev-quillon-breach-claim'].map(article);

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Follow nextCursor from `first` until the last page; the concatenated `key` arrays. */
async function allPages(first: string, key: string): Promise<any[]> {
  const out: any[] = [];
  let url: string | null = first;
  for (let guard = 0; url && guard < 200; guard++) {
    const r = await get(url);
    expect(r.status).toBe(200);
    out.push(...r.body[key]);
    url = r.body.nextCursor ? `${first}&cursor=${encodeURIComponent(r.body.nextCursor)}` : null;
  }
  return out;
}

/** Read an SSE stream until `pred` matches a parsed event (or the stream ends). */
async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, pred: (e: { event?: string; id?: string; data?: any; comment?: string }) => boolean) {
  const dec = new TextDecoder();
  let buf = '';
  const seen: any[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { match: null, seen, ended: true };
    buf += dec.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const e: any = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) e.comment = line.slice(1).trim();
        else if (line.startsWith('event: ')) e.event = line.slice(7);
        else if (line.startsWith('id: ')) e.id = line.slice(4);
        else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
      }
      seen.push(e);
      if (pred(e)) return { match: e, seen, ended: false };
    }
  }
}

describe('query API on the pipeline (real Postgres and NATS)', () => {
  let p: Pipeline;
  let storyId: string;
  let lines: any[];
  let tweet: any;
  let peskov: any[];
  const post = async (item: unknown) => {
    const res = await fetch(`${p.ingestUrl}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) });
    const body: any = await res.json();
    expect(res.status).toBe(202);
    return body;
  };

  beforeAll(async () => {
    p = await startPipeline();
    const ids: string[] = [];
    for (const item of [seed, ...others]) ids.push(...(await post(item)).eventIds);
    await p.settled(ids);
    const stories = (await get(`${p.apiUrl}/stories?q=kremlin`)).body.stories;
    storyId = stories[0].storyId;
    lines = (await get(`${p.apiUrl}/stories/${storyId}/timeline?limit=1000`)).body.statements;
    tweet = lines.find((l) => /Trump/.test(l.source.name) && l.medium === 'tweet');
    peskov = lines.filter((l) => /Peskov/.test(l.source.name));
  }, 90_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  describe('GET /stories', () => {
    it('searches titles (all words, any case) and pages with an opaque cursor in updated_at desc order', async () => {
      const all = (await get(`${p.apiUrl}/stories`)).body;
      expect(all.stories.length).toBeGreaterThanOrEqual(3);
      expect(all.nextCursor).toBeNull();
      const paged = await allPages(`${p.apiUrl}/stories?limit=1`, 'stories');
      expect(paged.map((s) => s.storyId)).toEqual(all.stories.map((s: any) => s.storyId));
      const times = all.stories.map((s: any) => s.updatedAt);
      expect([...times].sort().reverse()).toEqual(times);

      const hit = (await get(`${p.apiUrl}/stories?q=${encodeURIComponent('TRUMP venezuela')}`)).body.stories;
      expect(hit.map((s: any) => s.title)).toEqual(['Kremlin contradicts Trump on personnel in Venezuela']);
      expect((await get(`${p.apiUrl}/stories?q=${encodeURIComponent('trump 100%')}`)).body.stories).toEqual([]);
    });

    it('from / to keep stories whose said_at days overlap the range', async () => {
      const all = (await get(`${p.apiUrl}/stories`)).body.stories;
      const seedStory = all.find((s: any) => s.storyId === storyId);
      const inRange = (await get(`${p.apiUrl}/stories?from=${seedStory.lastSaid}&to=${seedStory.lastSaid}`)).body.stories;
      expect(inRange.map((s: any) => s.storyId)).toContain(storyId);
      for (const s of inRange) expect(s.firstSaid <= seedStory.lastSaid && s.lastSaid >= seedStory.lastSaid).toBe(true);
      expect((await get(`${p.apiUrl}/stories?to=1900-01-01`)).body.stories).toEqual([]);
    });

    it('answers 400 naming the parameter', async () => {
      for (const [qs, field] of [
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['from=2019-02-30', 'from'],
        ['to=yesterday', 'to'],
        ['from=2020-01-02&to=2020-01-01', 'from'],
        ['cursor=nonsense!', 'cursor'],
        ['limit=1&limit=2', 'limit'],
      ]) {
        const r = await get(`${p.apiUrl}/stories?${qs}`);
        expect([qs, r.status, r.body.field]).toEqual([qs, 400, field]);
        expect(r.body.message).toMatch(new RegExp(field));
      }
    });
  });

  describe('GET /stories/:id/timeline', () => {
    it('filters by speaker, kind, medium, relation and said_at days, with incoming relations of the whole story', async () => {
      expect(tweet).toBeDefined();
      const bySpeaker = (await get(`${p.apiUrl}/stories/${storyId}/timeline?speaker=${peskov[0].source.speakerId}&limit=1000`)).body.statements;
      expect(bySpeaker.map((l: any) => l.statementId)).toEqual(lines.filter((l) => l.source.speakerId === peskov[0].source.speakerId).map((l) => l.statementId));

      const tweets = (await get(`${p.apiUrl}/stories/${storyId}/timeline?medium=tweet`)).body.statements;
      expect(tweets.length).toBeGreaterThan(0);
      expect(tweets.every((l: any) => l.medium === 'tweet')).toBe(true);

      const direct = (await get(`${p.apiUrl}/stories/${storyId}/timeline?kind=direct&limit=1000`)).body.statements;
      expect(direct.map((l: any) => l.statementId)).toEqual(lines.filter((l) => l.kind === 'direct').map((l) => l.statementId));

      const contra = (await get(`${p.apiUrl}/stories/${storyId}/timeline?relation=contradicts&limit=1000`)).body.statements;
      const ids = contra.map((l: any) => l.statementId);
      expect(ids).toContain(tweet.statementId);
      expect(contra.some((l: any) => /Peskov/.test(l.source.name))).toBe(true);
      expect(contra.find((l: any) => l.statementId === tweet.statementId).incoming.some((r: any) => r.type === 'contradicts')).toBe(true);

      const day = (await get(`${p.apiUrl}/stories/${storyId}/timeline?from=2019-06-03&to=2019-06-03&limit=1000`)).body.statements;
      expect(day.map((l: any) => l.statementId)).toContain(tweet.statementId);
      for (const l of day) {
        const first = l.saidAt?.from ?? l.saidAt?.to ?? l.itemDay;
        const last = l.saidAt?.to ?? l.saidAt?.from ?? l.itemDay;
        expect(first <= '2019-06-03' && last >= '2019-06-03').toBe(true);
      }
    });

    it('pages with nextCursor: the pages put together are the whole timeline', async () => {
      const paged = await allPages(`${p.apiUrl}/stories/${storyId}/timeline?limit=3`, 'statements');
      expect(paged.map((l) => l.statementId)).toEqual(lines.map((l) => l.statementId));
      const first = (await get(`${p.apiUrl}/stories/${storyId}/timeline?limit=3`)).body;
      expect(first.statements).toHaveLength(3);
      expect(first.reflects).toMatchObject({ mode: 'live', orderedBy: 'saidAt' });
      expect(first.story.storyId).toBe(storyId);
    });

    it('ETag / If-None-Match: 304 while the story and query are unchanged; another query has another ETag', async () => {
      const a = await get(`${p.apiUrl}/stories/${storyId}/timeline?kind=direct`);
      const etag = a.headers.get('etag')!;
      expect(etag).toMatch(/^"tl1-\d+-/);
      const again = await fetch(`${p.apiUrl}/stories/${storyId}/timeline?kind=direct`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      const other = await get(`${p.apiUrl}/stories/${storyId}/timeline?kind=indirect`, { 'if-none-match': etag });
      expect(other.status).toBe(200);
      expect(other.headers.get('etag')).not.toBe(etag);
    });

    it('as-of replay takes the same filters and paging', async () => {
      const head = await p.log.headPosition();
      const live = (await get(`${p.apiUrl}/stories/${storyId}/timeline?kind=direct&limit=2`)).body;
      const replay = (await get(`${p.apiUrl}/stories/${storyId}/timeline?kind=direct&limit=2&position=${head}`)).body;
      expect(replay.reflects.mode).toBe('replay');
      expect(replay.statements.map((l: any) => l.statementId)).toEqual(live.statements.map((l: any) => l.statementId));
      expect(replay.nextCursor).toBe(live.nextCursor);
    });

    it('answers 400 naming the parameter, 404 for an unknown story', async () => {
      for (const [qs, field] of [
        ['kind=quote', 'kind'],
        ['medium=fax', 'medium'],
        ['relation=likes', 'relation'],
        ['speaker=peskov', 'speaker'],
        ['from=2019-13-01', 'from'],
        ['limit=1001', 'limit'],
        ['cursor=abc', 'cursor'],
        [`cursor=${Buffer.from(JSON.stringify({ c: 'stories', v: { u: null, id: storyId } })).toString('base64url')}`, 'cursor'],
        ['asOf=last-tuesday', 'asOf'],
      ]) {
        const r = await get(`${p.apiUrl}/stories/${storyId}/timeline?${qs}`);
        expect([qs, r.status, r.body.field]).toEqual([qs, 400, field]);
      }
      expect((await get(`${p.apiUrl}/stories/00000000-0000-4000-8000-000000000000/timeline`)).status).toBe(404);
    });

    it('names the path parameter of a malformed id (it answered "Validation failed (uuid is expected)" without a field)', async () => {
      for (const path of ['/stories/nope/timeline', '/stories/nope/contradictions', '/stories/nope/timeline/diff?from=1', '/statements/xyz', '/statements/xyz/history', '/speakers/xyz/statements']) {
        const r = await get(`${p.apiUrl}${path}`);
        expect([path, r.status, r.body.field, r.body.message]).toEqual([path, 400, 'id', expect.stringMatching(/^id must be a UUID/)]);
      }
    });
  });

  it('OpenAPI (/docs-json) documents every query endpoint, its parameters and an example answer', async () => {
    const doc = (await get(`${p.apiUrl}/docs-json`)).body;
    const ops: Record<string, string[]> = {
      '/stories': ['q', 'from', 'to', 'limit', 'cursor'],
      '/stories/{id}/timeline': ['speaker', 'from', 'to', 'kind', 'medium', 'relation', 'limit', 'cursor', 'asOf', 'position'],
      '/stories/{id}/contradictions': [],
      '/stories/{id}/events': ['after'],
      '/speakers': ['q', 'limit', 'cursor'],
      '/speakers/{id}/statements': ['limit', 'cursor'],
      '/statements/{id}': [],
    };
    for (const [route, params] of Object.entries(ops)) {
      const op = doc.paths[route]?.get;
      expect([route, !!op]).toEqual([route, true]);
      const names = op.parameters.filter((x: any) => x.in === 'query').map((x: any) => x.name);
      expect([route, names.sort()]).toEqual([route, [...params].sort()]);
      if (route !== '/stories/{id}/events') expect([route, !!op.responses['200'].content['application/json'].schema.example]).toEqual([route, true]);
    }
  });

  it("GET /stories/:id/contradictions pairs Peskov's denial with Trump's tweet", async () => {
    const r = await get(`${p.apiUrl}/stories/${storyId}/contradictions`);
    expect(r.status).toBe(200);
    const pair = r.body.pairs.find((x: any) => x.to.statementId === tweet.statementId && /Peskov/.test(x.from.source.name));
    expect(pair).toMatchObject({ relation: 'contradicts' });
    expect(pair.from.relations).toContainEqual({ type: 'contradicts', target: tweet.statementId });
    for (const x of r.body.pairs) expect(['contradicts', 'corrects', 'retracts']).toContain(x.relation);
    expect((await get(`${p.apiUrl}/stories/00000000-0000-4000-8000-000000000000/contradictions`)).status).toBe(404);
  });

  describe('speakers', () => {
    it('GET /speakers searches names and counts active statements and stories; pages with a cursor', async () => {
      const r = (await get(`${p.apiUrl}/speakers?q=peskov`)).body;
      const s = r.speakers.find((x: any) => x.speakerId === peskov[0].source.speakerId);
      expect(s).toMatchObject({ name: peskov[0].source.name, statementCount: peskov.filter((l) => l.source.speakerId === s.speakerId).length, storyCount: 1 });
      const all = (await get(`${p.apiUrl}/speakers?limit=1000`)).body.speakers;
      const paged = await allPages(`${p.apiUrl}/speakers?limit=4`, 'speakers');
      expect(paged.map((x) => x.speakerId)).toEqual(all.map((x: any) => x.speakerId));
      expect(new Set(paged.map((x) => x.speakerId)).size).toBe(paged.length);
      expect((await get(`${p.apiUrl}/speakers?limit=0`)).body.field).toBe('limit');
    });

    it("GET /speakers/:id/statements lists one speaker's statements in said_at order, paged", async () => {
      const id = peskov[0].source.speakerId;
      const r = (await get(`${p.apiUrl}/speakers/${id}/statements`)).body;
      expect(r.speaker).toMatchObject({ speakerId: id });
      expect(r.statements.map((l: any) => l.statementId)).toEqual(lines.filter((l) => l.source.speakerId === id).map((l) => l.statementId));
      expect(r.statements.every((l: any) => l.storyId === storyId)).toBe(true);
      const withIncoming = r.statements.filter((l: any) => l.incoming.length);
      for (const l of withIncoming) expect(l.incoming).toEqual(lines.find((x) => x.statementId === l.statementId).incoming);
      const paged = await allPages(`${p.apiUrl}/speakers/${id}/statements?limit=1`, 'statements');
      expect(paged.map((l) => l.statementId)).toEqual(r.statements.map((l: any) => l.statementId));
      expect((await get(`${p.apiUrl}/speakers/00000000-0000-4000-8000-000000000000/statements`)).status).toBe(404);
      expect((await get(`${p.apiUrl}/speakers/${id}/statements?cursor=x`)).body.field).toBe('cursor');
    });
  });

  it('GET /statements/:id: each mention is a UTF-16 range of the bodyText of its item version', async () => {
    const d = (await get(`${p.apiUrl}/statements/${peskov[0].statementId}`)).body;
    for (const m of d.statement.mentions) {
      const item = d.items.find((i: any) => i.uri === m.itemUri && i.version === m.itemVersion);
      expect(item).toBeDefined();
      expect(m.end).toBeGreaterThan(m.start);
      expect(m.end).toBeLessThanOrEqual(item.bodyText.length);
      expect(item.bodyText.slice(m.start, m.end)).toMatch(/Peskov|Kremlin|he said|said/i);
    }
  });

  it('GET /stories/:id/events pushes `timeline` when the projector changes the story; ends on client close and on shutdown', async () => {
    const before = (await get(`${p.apiUrl}/stories?q=kremlin`)).body.stories[0].lastGlobalPosition;
    const ctl = new AbortController();
    const res = await fetch(`${p.apiUrl}/stories/${storyId}/events`, { signal: ctl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const hello = await readEvents(reader, (e) => e.comment === 'connected');
    expect(hello.match).not.toBeNull();

    const etag = (await get(`${p.apiUrl}/stories/${storyId}/timeline`)).headers.get('etag')!;
    const v2 = { ...seed, version: '2', versioncreated: '2019-06-04T18:00:00Z', body_text: `${seed.body_text}\n\n"We have nothing more to add," Peskov told reporters on Tuesday.` };
    const accepted = await post(v2);
    expect(accepted.storyId ?? storyId).toBe(storyId);
    const got = await readEvents(reader, (e) => e.event === 'timeline');
    expect(got.match!.data.storyId).toBe(storyId);
    expect(BigInt(got.match!.data.globalPosition)).toBeGreaterThan(BigInt(before));
    expect(got.match!.id).toBe(got.match!.data.globalPosition);
    expect(got.match!.data.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    ctl.abort();

    await p.settled(accepted.eventIds);
    // the story changed: the old ETag no longer matches
    const fresh = await get(`${p.apiUrl}/stories/${storyId}/timeline?limit=1000`, { 'if-none-match': etag });
    expect(fresh.status).toBe(200);
    // the cached lines were rebuilt: the answer reflects the change announced
    expect(BigInt(fresh.body.reflects.globalPosition)).toBeGreaterThanOrEqual(BigInt(got.match!.data.globalPosition));
    expect(fresh.body.statements.some((l: any) => l.itemVersion === 2)).toBe(true);

    // a reconnecting client that says what it has seen (Last-Event-ID) gets a later change at once
    const again = await fetch(`${p.apiUrl}/stories/${storyId}/events`, { headers: { 'last-event-id': before } });
    const r2 = again.body!.getReader();
    const caughtUp = await readEvents(r2, (e) => e.event === 'timeline');
    expect(BigInt(caughtUp.match!.data.globalPosition)).toBeGreaterThan(BigInt(before));
    expect((await get(`${p.apiUrl}/stories/${storyId}/events?after=x`)).body.field).toBe('after');

    // shutdown ends the open stream (and does not wait on it)
    const stopping = p.stop();
    const end = await readEvents(r2, () => false);
    expect(end.ended).toBe(true);
    await stopping;
    p = undefined as unknown as Pipeline;
  }, 120_000);
});

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Pipeline, startPipeline } from './support/pipeline';

const corpus = path.resolve(__dirname, '../../shared/corpus');
const seed = JSON.parse(readFileSync(path.join(corpus, 'articles/seed-kremlin-venezuela.json'), 'utf8'));

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('pipeline end to end: ingest → JetStream → writer → Postgres log → projector → api', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  it('turns the seed item into a story timeline: Trump tweet dated 2019-06-03, Peskov contradicting it, Rostec disputing the WSJ', async () => {
    const res = await post(p.ingestUrl, seed);
    expect(res.status).toBe(202);
    expect(res.body.uri).toBe(seed.uri);
    expect(res.body.eventIds.length).toBeGreaterThan(3);
    await p.settled(res.body.eventIds);

    const stories = ((await (await fetch(`${p.apiUrl}/stories`)).json()) as any).stories;
    expect(stories).toHaveLength(1);
    const t: any = await (await fetch(`${p.apiUrl}/stories/${stories[0].storyId}/timeline`)).json();
    const lines: any[] = t.statements;

    const tweet = lines.find((l) => /Trump/.test(l.source.name) && l.medium === 'tweet');
    expect(tweet).toBeDefined();
    expect(tweet.saidAt).toEqual({ from: '2019-06-03', to: '2019-06-03' });

    const peskov = lines.filter((l) => /Peskov/.test(l.source.name));
    expect(peskov.length).toBeGreaterThan(0);
    expect(peskov.some((l) => l.relations.some((r: any) => r.type === 'contradicts' && r.target === tweet.statementId))).toBe(true);
    expect(tweet.incoming.some((r: any) => r.type === 'contradicts')).toBe(true);

    const rostec = lines.filter((l) => /Rostec/.test(l.source.name));
    const wsj = lines.find((l) => /Journal/.test(l.source.name));
    expect(wsj).toBeDefined();
    expect(rostec.some((l) => l.relations.some((r: any) => r.type === 'contradicts' && r.target === wsj.statementId))).toBe(true);

    expect(lines.some((l) => /Census Bureau|Top House Republican|New Yorkers report/.test(l.content))).toBe(false);

    // provenance: the statement's offsets point into the stored item text
    const detail: any = await (await fetch(`${p.apiUrl}/statements/${tweet.statementId}`)).json();
    expect(detail.items[0].uri).toBe(seed.uri);
    // every mention's offsets point at text that shares words with the statement
    const words = (t: string) => new Set(t.toLowerCase().match(/[a-z]{4,}/g) ?? []);
    const content = words(`${tweet.content} ${tweet.source.name}`);
    expect(detail.statement.mentions.length).toBeGreaterThan(1); // reported several times: one statement, several mentions
    for (const m of detail.statement.mentions) {
      const text = detail.items[0].bodyText.slice(m.start, m.end);
      expect([...words(text)].some((w) => content.has(w))).toBe(true);
    }
  }, 60_000);

  it('re-ingesting the same item adds zero events to the log', async () => {
    const count = async () => (await p.db.pool.query(`SELECT count(*)::int AS n FROM "${p.db.schema}".events`)).rows[0].n;
    const before = await count();
    const res = await post(p.ingestUrl, seed);
    expect(res.status).toBe(202);
    await p.settled(res.body.eventIds);
    expect(await count()).toBe(before);
  }, 30_000);

  it('the same uri and version with other content is a 409 conflict, never a silent change', async () => {
    const changed = { ...seed, body_text: seed.body_text.replace('Peskov', 'Peskov, speaking slowly,') };
    const res = await post(p.ingestUrl, changed);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/already in the log with different content/);
  });

  it('refuses text Postgres JSON cannot store (U+0000) with 400 naming the field, and the pipeline goes on', async () => {
    const res = await post(p.ingestUrl, { ...seed, uri: 'urn:test:nul', body_text: 'A \u0000 byte, Peskov said.' });
    expect(res.status).toBe(400);
    expect(res.body.field).toMatch(/body_text/);
    const ok = await post(p.ingestUrl, { ...seed, uri: 'urn:test:after-nul' });
    expect(ok.status).toBe(202);
    await p.settled(ok.body.eventIds);
  }, 30_000);

  it('answers 400 naming the field for an item without uri, and for malformed JSON', async () => {
    const noUri = await post(p.ingestUrl, { headline: 'x', versioncreated: '2020-01-01T00:00:00Z' });
    expect(noUri.status).toBe(400);
    expect(noUri.body.field).toBe('uri');
    const bad = await post(p.ingestUrl, '{"uri": ');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/malformed JSON/);
  });

  it('regression: an item over the broker max_payload got 503 (retry) — it now gets 413 before extraction runs', async () => {
    const body = Array.from({ length: 30_000 }, (_, i) => `"Line ${i} of the statement," the minister said.`).join('\n\n');
    const res = await post(p.ingestUrl, { ...seed, uri: 'urn:test:huge', body_text: body });
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/max_payload/);
  }, 30_000);

  it('copies of a new story\'s item POSTed concurrently (ingest overlaps items) join ONE story, created once, each item in the log', async () => {
    const article = JSON.parse(readFileSync(path.join(corpus, 'articles/dev-harbourton-port-strike-begins.json'), 'utf8'));
    const copies = [1, 2, 3, 4].map((n) => ({ ...article, uri: `${article.uri}-concurrent-${n}` }));
    const results = await Promise.all(copies.map((c) => post(p.ingestUrl, c)));
    for (const r of results) expect(r.status).toBe(202);
    expect(new Set(results.map((r) => r.body.storyId)).size).toBe(1);
    expect(results.filter((r) => r.body.newStory)).toHaveLength(1);
    await p.settled(results.flatMap((r) => r.body.eventIds));
    const inLog = await p.db.pool.query(`SELECT count(*)::int AS n FROM "${p.db.schema}".events WHERE event_id = ANY($1::uuid[])`, [results.map((r) => r.body.eventIds[0])]);
    expect(inLog.rows[0].n).toBe(4);
  }, 60_000);
});

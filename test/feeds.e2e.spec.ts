import { Pipeline, startPipeline } from './support/pipeline';

/**
 * Issue 4 end to end: NewsML-G2 and HTML through POST /items, whole feeds
 * through POST /feeds, a kill by Atom tombstone, dedupe across formats and
 * entry points, and the size limits (set small here through the environment).
 */
const G2 = (version: number, status = 'stat:usable', extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:example.org:20240501:minister" version="${version}" standard="NewsML-G2">
  <itemMeta><itemClass qcode="ninat:text"/><versionCreated>2024-05-0${version}T10:00:00Z</versionCreated><firstCreated>2024-05-01T10:00:00Z</firstCreated><pubStatus qcode="${status}"/>${extra}</itemMeta>
  <contentMeta><headline>Tervania minister resigns over port deal</headline><language tag="en"/></contentMeta>
  <contentSet><inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body><body.content>
    <p>OSTMERE, May 1 (Example Wire) - Tervania's labour minister Anna Berg resigned on Wednesday over the Harbourton port deal.</p>
    <media media-type="image"><media-caption>Anna Berg in Ostmere, May 1, 2024. Example Wire/Petra Solvang</media-caption></media>
    <p>"I can no longer defend this agreement," Berg told reporters in Ostmere.</p>
    <p>The dockworkers' union said the deal was "a betrayal of every worker at the port."</p>
  </body.content></body></nitf></inlineXML></contentSet>
</newsItem>`;

const NINJS_SAME = {
  uri: 'urn:newsml:example.org:20240501:minister',
  version: '1',
  versioncreated: '2024-05-01T10:00:00Z',
  headline: 'Tervania minister resigns over port deal',
  body_text: 'Same item, other format.',
};

const RSS = `<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://wire.example/</link>
<item><guid>https://wire.example/port-1</guid><pubDate>Thu, 02 May 2024 09:00:00 GMT</pubDate><title>Harbourton union rejects offer</title>
<description>&lt;p&gt;"We will not go back for this," union leader Karl Vos said on Thursday in Harbourton.&lt;/p&gt;</description></item>
<item><title>No identity here</title></item>
<item><guid>https://wire.example/port-2</guid><pubDate>Thu, 02 May 2024 11:00:00 GMT</pubDate><title>Port authority says talks continue</title>
<description>The port authority said talks would resume on Friday, caf\xe9 owners nearby said they were relieved.</description></item>
</channel></rss>`;

async function post(url: string, path: string, body: string | Buffer, type: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type, ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: res.status, body: await res.json() };
}

describe('feeds end to end: POST /items (XML, HTML) and POST /feeds', () => {
  let p: Pipeline;
  const saved = { item: process.env.ITEM_MAX_BYTES, feed: process.env.FEED_MAX_BYTES };
  const count = async () => (await p.db.pool.query(`SELECT count(*)::int AS n FROM "${p.db.schema}".events`)).rows[0].n;
  const storyOf = async (uri: string) => (await p.db.pool.query(`SELECT story_id FROM "${p.db.schema}".rm_items WHERE uri = $1`, [uri]).catch(() => ({ rows: [] as any[] }))).rows[0]?.story_id;
  const timeline = async (storyId: string) => ((await (await fetch(`${p.apiUrl}/stories/${storyId}/timeline`)).json()) as any).statements as any[];

  beforeAll(async () => {
    process.env.ITEM_MAX_BYTES = '100000';
    process.env.FEED_MAX_BYTES = '300000';
    p = await startPipeline();
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
    process.env.ITEM_MAX_BYTES = saved.item;
    process.env.FEED_MAX_BYTES = saved.feed;
    if (saved.item === undefined) delete process.env.ITEM_MAX_BYTES;
    if (saved.feed === undefined) delete process.env.FEED_MAX_BYTES;
  });

  it('ingests a NewsML-G2 item from POST /items: caption left out, quotes extracted, offsets into the stored text', async () => {
    const res = await post(p.ingestUrl, '/items', G2(1), 'application/vnd.iptc.g2.newsitem+xml');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ uri: 'urn:newsml:example.org:20240501:minister', version: 1, pubstatus: 'usable' });
    expect(res.body.statements).toBeGreaterThan(0);
    await p.settled(res.body.eventIds);
    const rows = (await p.db.pool.query(`SELECT data FROM "${p.db.schema}".events WHERE event_id = $1`, [res.body.eventIds[0]])).rows;
    expect(rows[0].data.format).toBe('newsml-g2');
    expect(rows[0].data.item.body_text).not.toMatch(/Petra Solvang/);
    const lines = await timeline(res.body.storyId);
    expect(lines.some((l) => /Berg/.test(l.source.name))).toBe(true);
  }, 60_000);

  it('adds zero events for the same uri and version sent again as XML or as ninjs JSON', async () => {
    const before = await count();
    const again = await post(p.ingestUrl, '/items', G2(1), 'application/xml');
    expect(again.status).toBe(202);
    // The same version as ninjs JSON with the same words: a duplicate, whatever the format.
    const stored = (await p.db.pool.query(`SELECT data->'item' AS item FROM "${p.db.schema}".events WHERE event_id = $1`, [again.body.eventIds[0]])).rows[0].item;
    const json = await post(p.ingestUrl, '/items', JSON.stringify({ ...NINJS_SAME, headline: stored.headline, body_text: stored.body_text }), 'application/json');
    expect(json.status).toBe(202);
    expect(json.body.duplicate).toBe(true);
    expect(json.body.eventIds[0]).toBe(again.body.eventIds[0]);
    // The same version with other words is a conflict (a change needs a higher version), and adds nothing either.
    const other = await post(p.ingestUrl, '/items', JSON.stringify(NINJS_SAME), 'application/json');
    expect(other.status).toBe(409);
    await p.settled([again.body.eventIds[0]]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(before);
  }, 30_000);

  it('a correction (v2, sig:correction) supersedes v1; an Atom tombstone then withdraws the item and keeps its history', async () => {
    const v2 = await post(p.ingestUrl, '/items', G2(2, 'stat:usable', '<edNote>Corrects the minister\'s name</edNote><signal qcode="sig:correction"/>'), 'application/xml');
    expect(v2.status).toBe(202);
    await p.settled(v2.body.eventIds);
    const recorded = (await p.db.pool.query(`SELECT data FROM "${p.db.schema}".events WHERE event_id = $1`, [v2.body.eventIds[0]])).rows[0].data;
    expect(recorded.item.ednote).toBe("Corrects the minister's name\nsignal: correction (NewsML-G2 sig:correction)");
    expect((await timeline(v2.body.storyId)).length).toBeGreaterThan(0);

    const atom = `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:at="http://purl.org/atompub/tombstones/1.0"><title>w</title>
      <at:deleted-entry ref="urn:newsml:example.org:20240501:minister" when="2024-05-03T08:00:00Z"><at:comment>Withdrawn for legal reasons</at:comment></at:deleted-entry></feed>`;
    const kill = await post(p.ingestUrl, '/feeds', atom, 'application/atom+xml');
    expect(kill.status).toBe(202);
    expect(kill.body).toMatchObject({ format: 'atom', accepted: 1, rejected: 0 });
    expect(kill.body.items[0]).toMatchObject({ ok: true, pubstatus: 'canceled', statements: 0 });
    await p.settled(kill.body.eventIds);
    expect(await timeline(v2.body.storyId)).toEqual([]);
    const history = (await p.db.pool.query(`SELECT count(*)::int AS n FROM "${p.db.schema}".events WHERE data->'item'->>'uri' = $1`, ['urn:newsml:example.org:20240501:minister'])).rows[0].n;
    expect(history).toBe(3);
  }, 60_000);

  it('POST /feeds ingests every RSS entry (ISO-8859-1 decoded) and lists each outcome, the bad entry named', async () => {
    const res = await post(p.ingestUrl, '/feeds', Buffer.from(RSS, 'latin1'), 'application/rss+xml');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ format: 'rss', accepted: 2, rejected: 1 });
    expect(res.body.items.map((o: any) => o.ok)).toEqual([true, false, true]);
    expect(res.body.items[1]).toMatchObject({ ok: false, index: 1, field: 'uri', message: 'entry 1: uri: the item has no guid, link or rdf:about (an item needs an identity)' });
    await p.settled(res.body.eventIds);
    const item = (await p.db.pool.query(`SELECT data FROM "${p.db.schema}".events WHERE event_id = $1`, [res.body.items[2].eventIds[0]])).rows[0].data.item;
    expect(item.body_text).toContain('café owners');
    expect(item.version).toBe(Math.floor(Date.parse('2024-05-02T11:00:00Z') / 60_000));

    const before = await count();
    const again = await post(p.ingestUrl, '/feeds', Buffer.from(RSS, 'latin1'), 'application/xml');
    expect(again.body.accepted).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(before);
  }, 60_000);

  it('POST /items takes an HTML page with its URL as Content-Location', async () => {
    const html = `<!doctype html><html lang="en"><head><title>Harbourton</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"Harbourton mayor backs deal","datePublished":"2024-05-04T09:00:00Z"}</script></head>
      <body><article>${'<p>"This deal is good for the city," Harbourton mayor Lena Holm said on Saturday, adding that the port would reopen within days and that the council would meet on Monday.</p>'.repeat(3)}</article></body></html>`;
    const res = await post(p.ingestUrl, '/items', html, 'text/html; charset=utf-8', { 'content-location': 'https://news.example/harbourton-mayor' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ uri: 'https://news.example/harbourton-mayor', version: Math.floor(Date.parse('2024-05-04T09:00:00Z') / 60_000) });
    await p.settled(res.body.eventIds);
  }, 30_000);

  it('refuses bad documents in one line: 400 malformed XML, 400 HTML without URL, 413 over ITEM_MAX_BYTES / FEED_MAX_BYTES', async () => {
    const bad = await post(p.ingestUrl, '/items', '<newsItem guid="x"><itemMeta>', 'application/xml');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^\(document\): malformed XML at line 1/);
    const nourl = await post(p.ingestUrl, '/items', '<!doctype html><html><body><p>x</p></body></html>', 'text/html');
    expect(nourl.status).toBe(400);
    expect(nourl.body.field).toBe('uri');
    const bigItem = await post(p.ingestUrl, '/items', G2(1).replace('<p>OSTMERE', `<p>${'x'.repeat(150_000)}</p><p>OSTMERE`), 'application/xml');
    expect(bigItem.status).toBe(413);
    expect(bigItem.body.message).toMatch(/ITEM_MAX_BYTES/);
    const bigFeed = await post(p.ingestUrl, '/feeds', RSS.replace('<title>Example Wire</title>', `<title>${'x'.repeat(400_000)}</title>`), 'application/rss+xml');
    expect(bigFeed.status).toBe(413);
    expect(bigFeed.body.message).toMatch(/FEED_MAX_BYTES/);
  }, 30_000);

  it('refuses Latin-1 bytes posted as application/json with 400 (they were decoded with U+FFFD and stored for good)', async () => {
    const before = await count();
    const item = { ...NINJS_SAME, uri: 'urn:newsml:example.org:latin1-json', body_text: '"The caf\u00e9 stays open," the owner said on Monday.' };
    const latin1 = Buffer.from(JSON.stringify(item), 'latin1');
    const r = await post(p.ingestUrl, '/items', latin1, 'application/json; charset=utf-8');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ field: '(document)', message: expect.stringMatching(/not valid UTF-8/) });
    expect(await count()).toBe(before);
    // the same item as UTF-8 is accepted
    expect((await post(p.ingestUrl, '/items', Buffer.from(JSON.stringify(item), 'utf8'), 'application/json')).status).toBe(202);
  }, 30_000);
});

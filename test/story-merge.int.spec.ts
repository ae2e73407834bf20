import { ReadModelQueries, rebuildTimeline } from '@timeline/read-model';
import { Pipeline, startPipeline } from './support/pipeline';
import { authority, bridge, union } from './support/merge-items';

/**
 * Story merges end to end (ingest → JetStream → writer → log → projector →
 * api): two threads of one developing story, then an item that bridges them.
 */

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
async function get(url: string): Promise<{ status: number; body: any; location: string | null }> {
  const r = await fetch(url, { redirect: 'manual' });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, location: r.headers.get('location') };
}

describe('story merges through ingest, log, projector and api', () => {
  let p: Pipeline;
  let survivor: string;
  let merged: string;
  let beforeMerge: string;
  let mergeEvents: any[];

  beforeAll(async () => {
    p = await startPipeline();
    const a = await post(p.ingestUrl, union);
    expect(a.status).toBe(202);
    await p.settled(a.body.eventIds);
    const b = await post(p.ingestUrl, authority);
    expect(b.status).toBe(202);
    await p.settled(b.body.eventIds);
    expect(b.body.storyId).not.toBe(a.body.storyId); // two stories so far
    survivor = a.body.storyId; // the older one
    merged = b.body.storyId;
    beforeMerge = await p.log.headPosition();
    const c = await post(p.ingestUrl, bridge);
    expect(c.status).toBe(202);
    expect(c.body).toMatchObject({ storyId: survivor, newStory: false, mergedStoryIds: [merged] });
    await p.settled(c.body.eventIds);
    const r = await p.db.pool.query(`SELECT stream_id, type, data FROM "${p.db.schema}".events WHERE type = 'StoriesMerged' ORDER BY global_position`);
    mergeEvents = r.rows;
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('writes a StoriesMerged on the survivor stream and a marker on the merged stream, before the bridging item', async () => {
    expect(mergeEvents.map((e) => [e.stream_id, e.data.storyId])).toEqual([
      [`story-${survivor}`, survivor],
      [`story-${merged}`, merged],
    ]);
    expect(mergeEvents[0].data).toMatchObject({ survivorStoryId: survivor, mergedStoryIds: [merged], itemUri: bridge.uri, itemVersion: 1, reason: 'bridging-item' });
    expect(mergeEvents[0].data.evidence.map((x: any) => x.storyId)).toEqual([survivor, merged]);
    const order = await p.db.pool.query(`SELECT type FROM "${p.db.schema}".events WHERE stream_id = $1 ORDER BY stream_position`, [`story-${survivor}`]);
    const types = order.rows.map((x) => x.type);
    expect(types.indexOf('StoriesMerged')).toBeLessThan(types.lastIndexOf('WireItemRecorded'));
  });

  it('GET /stories lists the survivor only; the merged id answers 308 to the survivor', async () => {
    const list = await get(`${p.apiUrl}/stories`);
    expect(list.body.stories.map((s: any) => s.storyId)).toEqual([survivor]);
    const r = await get(`${p.apiUrl}/stories/${merged}/timeline?limit=5`);
    expect(r.status).toBe(308);
    expect(r.location).toBe(`/stories/${survivor}/timeline?limit=5`);
    expect(r.body).toMatchObject({ storyId: merged, mergedInto: survivor });
    expect((await get(`${p.apiUrl}/stories/${merged}/contradictions`)).status).toBe(308);
  });

  it('the survivor timeline shows the union of both stories in said_at order, live and as of after the merge', async () => {
    const live = await get(`${p.apiUrl}/stories/${survivor}/timeline`);
    expect(live.status).toBe(200);
    const uris = new Set(live.body.statements.map((s: any) => s.itemUri));
    expect(uris).toEqual(new Set([union.uri, authority.uri, bridge.uri]));
    expect(live.body.statements.every((s: any) => s.storyId === survivor)).toBe(true);
    const keys = live.body.statements.map((s: any) => s.saidAt?.from ?? s.itemDay);
    expect(keys).toEqual([...keys].sort());
    expect(live.body.story.itemCount).toBe(3);
    const head = await get(`${p.apiUrl}/stories/${survivor}/timeline?position=${await p.log.headPosition()}`);
    expect(head.body.statements.map((s: any) => s.statementId)).toEqual(live.body.statements.map((s: any) => s.statementId));
  });

  it('as of before the merge: the survivor shows its own statements, the merged story its own (200)', async () => {
    const s = await get(`${p.apiUrl}/stories/${survivor}/timeline?position=${beforeMerge}`);
    expect(s.status).toBe(200);
    expect(new Set(s.body.statements.map((x: any) => x.itemUri))).toEqual(new Set([union.uri]));
    const m = await get(`${p.apiUrl}/stories/${merged}/timeline?position=${beforeMerge}`);
    expect(m.status).toBe(200);
    expect(new Set(m.body.statements.map((x: any) => x.itemUri))).toEqual(new Set([authority.uri]));
    const after = await get(`${p.apiUrl}/stories/${merged}/timeline?position=${await p.log.headPosition()}`);
    expect(after.status).toBe(308);
  });

  it('the diff across the merge adds the merged story\'s statements; their history shows the merge', async () => {
    const d = await get(`${p.apiUrl}/stories/${survivor}/timeline/diff?from=${beforeMerge}&to=${await p.log.headPosition()}`);
    expect(d.status).toBe(200);
    expect(new Set(d.body.added.map((x: any) => x.after.itemUri))).toEqual(new Set([authority.uri, bridge.uri]));
    const live = await get(`${p.apiUrl}/stories/${survivor}/timeline`);
    const renn = live.body.statements.find((s: any) => s.itemUri === authority.uri);
    const h = await get(`${p.apiUrl}/statements/${renn.statementId}/history`);
    expect(h.status).toBe(200);
    expect(h.body.storyId).toBe(survivor);
    expect(h.body.events.map((e: any) => e.kind)).toEqual(['recorded', 'merged']);
  });

  it('the diff of a merged id answers 308 to the survivor\'s diff, as the timeline route', async () => {
    const r = await get(`${p.apiUrl}/stories/${merged}/timeline/diff?from=${beforeMerge}`);
    expect(r.status).toBe(308);
    expect(r.location).toBe(`/stories/${survivor}/timeline/diff?from=${beforeMerge}`);
    expect(r.body).toMatchObject({ storyId: merged, mergedInto: survivor });
  });

  it('mergedInto follows the chain in one query and never names the story itself (a stored cycle answers as the story, no redirect loop)', async () => {
    const q = new ReadModelQueries(p.db.pool, p.db.schema);
    expect(await q.mergedInto(merged)).toBe(survivor);
    expect(await q.mergedInto(survivor)).toBeNull();
    // a cycle as an older projection could store it (A absorbs B, then a stale B absorbs A)
    await p.db.pool.query(`UPDATE "${p.db.schema}".rm_stories SET merged_into = $1 WHERE story_id = $2`, [merged, survivor]);
    try {
      expect(await q.mergedInto(survivor)).toBeNull();
      expect(await q.mergedInto(merged)).toBeNull();
      const r = await get(`${p.apiUrl}/stories/${survivor}/timeline`);
      expect(r.status).not.toBe(308);
    } finally {
      await p.db.pool.query(`UPDATE "${p.db.schema}".rm_stories SET merged_into = NULL WHERE story_id = $1`, [survivor]);
    }
  });

  it('the same bridging item again changes nothing (same event ids, a duplicate)', async () => {
    const before = await p.db.pool.query(`SELECT count(*)::int AS n FROM "${p.db.schema}".events`);
    const again = await post(p.ingestUrl, bridge);
    expect(again.status).toBe(202);
    expect(again.body.duplicate).toBe(true);
    const after = await p.db.pool.query(`SELECT count(*)::int AS n FROM "${p.db.schema}".events`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('a rebuild of the read model from the log gives the same stories, items and statements as the live projection', async () => {
    const snapshot = async () => {
      const q = (sql: string) => p.db.pool.query(sql.replace(/\$s/g, `"${p.db.schema}"`)).then((r) => r.rows);
      return {
        stories: await q(`SELECT story_id, title, item_count, statement_count, merged_into, signature FROM $s.rm_stories ORDER BY story_id`),
        items: await q(`SELECT uri, story_id, version FROM $s.rm_items ORDER BY uri`),
        statements: await q(`SELECT statement_id, story_id, status, doc FROM $s.rm_statements ORDER BY statement_id`),
      };
    };
    const live = await snapshot();
    expect(live.stories.find((s: any) => s.story_id === merged)).toMatchObject({ merged_into: survivor, signature: null, statement_count: 0 });
    expect(live.items.every((i: any) => i.story_id === survivor)).toBe(true);
    await rebuildTimeline(p.db.pool, p.log, { schema: p.db.schema });
    expect(await snapshot()).toEqual(live);
  });

  it('a rebuild computes story signatures from the full item text, headline and body_text (regression: the bulk phase dropped body_text before the signatures)', async () => {
    const sigs = async () =>
      (await p.db.pool.query(`SELECT story_id, signature FROM "${p.db.schema}".rm_stories WHERE signature IS NOT NULL ORDER BY story_id`)).rows;
    const live = await sigs();
    const headlines = (await p.db.pool.query(`SELECT lower(string_agg(headline, ' ')) AS h FROM "${p.db.schema}".rm_item_versions`)).rows[0].h as string;
    // the survivor's terms include words found only in the bodies
    const survivorTerms = Object.keys(live.find((r: any) => r.story_id === survivor).signature.terms);
    expect(survivorTerms.some((t) => !headlines.includes(t))).toBe(true);
    await rebuildTimeline(p.db.pool, p.log, { schema: p.db.schema, batchSize: 3 });
    expect(await sigs()).toEqual(live);
  });
});

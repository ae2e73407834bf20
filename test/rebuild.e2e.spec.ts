import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Pipeline, startPipeline } from './support/pipeline';
import { runCommand } from './support/run-command';
import { syntheticStory } from './support/synthetic-story';

const corpus = path.resolve(__dirname, '../../shared/corpus');
const seed = JSON.parse(readFileSync(path.join(corpus, 'articles/seed-kremlin-venezuela.json'), 'utf8'));

/**
 * `timeline projections rebuild` while the apps run: the API keeps answering
 * from the old tables during the build and from the new ones after the
 * switch, never with an error or an empty timeline; events appended during
 * the rebuild are caught up; the projector carries on on the new generation.
 */
describe('rebuild without downtime', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  it('serves every request during the rebuild, switches atomically, and the projector continues on the new tables', async () => {
    const r = await fetch(`${p.ingestUrl}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
    const ids: string[] = ((await r.json()) as any).eventIds;
    const bulk = [syntheticStory({ key: 'rb-a', events: 4000 }), syntheticStory({ key: 'rb-b', events: 4000 })];
    const small = syntheticStory({ key: 'rb-small', events: 300 });
    for (const s of [...bulk, small]) for (let i = 0; i < s.events.length; i += 1000) await p.log.append(s.events.slice(i, i + 1000));
    await p.settled([...ids, ...bulk.flatMap((s) => s.events.map((e) => e.eventId)), ...small.events.map((e) => e.eventId)], 120_000);
    const seedStory = ((await (await fetch(`${p.apiUrl}/stories`)).json()) as any).stories.find((s: any) => s.title.includes('Kremlin')).storyId;
    const watched = [seedStory, small.storyId];
    const before = await Promise.all(watched.map(async (id) => ((await (await fetch(`${p.apiUrl}/stories/${id}/timeline`)).json()) as any).statements.length));
    expect(before.every((n) => n > 0)).toBe(true);

    // Readers: keep querying until told to stop.
    let stop = false;
    const seen = { requests: 0, errors: [] as string[], empty: 0 };
    const reader = (async () => {
      while (!stop) {
        for (const id of watched) {
          try {
            const res = await fetch(`${p.apiUrl}/stories/${id}/timeline`);
            seen.requests += 1;
            if (res.status !== 200) seen.errors.push(`${res.status} ${await res.text()}`);
            else if (((await res.json()) as any).statements.length === 0) seen.empty += 1;
          } catch (err) {
            seen.errors.push(String(err));
          }
        }
      }
    })();
    // A writer: the live log keeps growing while the rebuild runs.
    const late = syntheticStory({ key: 'rb-late', events: 600 });
    const writer = (async () => {
      for (let i = 0; i < late.events.length; i += 50) await p.log.append(late.events.slice(i, i + 50));
    })();

    const rebuilt = await runCommand({ ...process.env, DATABASE_URL: p.cfg.databaseUrl, DATABASE_SCHEMA: p.cfg.databaseSchema }, 'projections', 'rebuild', '--json');
    await writer;
    const afterSwitch = seen.requests;
    // keep reading a little after the switch (on a condition, not a sleep)
    while (seen.requests < afterSwitch + 6) await new Promise((res) => setImmediate(res));
    stop = true;
    await reader;

    expect(rebuilt.code).toBe(0);
    const report = JSON.parse(rebuilt.out);
    expect(report).toMatchObject({ projection: 'timeline', generation: 2, previousGeneration: 1 });
    expect(report.events).toBeGreaterThanOrEqual(8000);
    expect(seen.errors).toEqual([]);
    expect(seen.empty).toBe(0);
    expect(seen.requests).toBeGreaterThan(6);

    // The projector continues on the new generation: everything appended is applied, and the tables agree with a replay.
    await p.settled(late.events.map((e) => e.eventId), 60_000);
    const s = `"${p.db.schema}"`;
    const gens = (await p.db.pool.query(`SELECT generation, status FROM ${s}.rm_generations ORDER BY generation`)).rows;
    expect(gens).toEqual([{ generation: 1, status: 'retired' }, { generation: 2, status: 'active' }]);
    expect((await p.db.pool.query(`SELECT to_regclass('${p.db.schema}.rm_statements_g1') AS t`)).rows[0].t).toBeNull();
    for (const id of [seedStory, small.storyId, late.storyId]) {
      const live: any = await (await fetch(`${p.apiUrl}/stories/${id}/timeline`)).json();
      const replay: any = await (await fetch(`${p.apiUrl}/stories/${id}/timeline?position=${await p.log.headPosition()}`)).json();
      expect(live.statements.length).toBeGreaterThan(0);
      expect(live.statements).toEqual(replay.statements);
    }
  }, 180_000);
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pipeline, startPipeline } from './support/pipeline';
import { runCommand } from './support/run-command';

const corpus = path.resolve(__dirname, '../../shared/corpus');
const seed = JSON.parse(readFileSync(path.join(corpus, 'articles/seed-kremlin-venezuela.json'), 'utf8'));
/** A corrected version 2 of the seed: Peskov's second quote reworded. */
const seedV2 = {
  ...seed,
  version: '2',
  versioncreated: '2019-06-04T16:30:00Z',
  ednote: 'Corrects the wording of the Peskov quote',
  body_text: seed.body_text.replace('that process is going according to plan', 'that process is continuing as planned'),
};

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as any };
};

describe('audit end to end: as-of replay, diff, history, verify, export → verify-bundle', () => {
  let p: Pipeline;
  let storyId: string;
  let p1: string;
  let liveV1: any;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    p = await startPipeline();
    env = { ...process.env, DATABASE_URL: p.cfg.databaseUrl, DATABASE_SCHEMA: p.cfg.databaseSchema };
    const r1 = await post(p.ingestUrl, seed);
    expect(r1.status).toBe(202);
    await p.settled(r1.body.eventIds);
    p1 = await p.log.headPosition();
    storyId = (await get(`${p.apiUrl}/stories`)).body.stories[0].storyId;
    liveV1 = (await get(`${p.apiUrl}/stories/${storyId}/timeline`)).body;
    const r2 = await post(p.ingestUrl, seedV2);
    expect(r2.status).toBe(202);
    await p.settled(r2.body.eventIds);
  }, 90_000);
  afterAll(async () => {
    await p?.stop();
  }, 30_000);

  it('GET /stories/:id/timeline?position= replays the log to what the live read model said then, and says what it reflects', async () => {
    const asOf = await get(`${p.apiUrl}/stories/${storyId}/timeline?position=${p1}`);
    expect(asOf.status).toBe(200);
    expect(asOf.body.reflects).toMatchObject({ mode: 'replay', orderedBy: 'saidAt', globalPosition: p1, requested: { position: p1 } });
    expect(asOf.body.reflects.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(asOf.body.statements).toEqual(liveV1.statements);
    expect(liveV1.reflects).toMatchObject({ mode: 'live', globalPosition: p1 });

    // the same moment by recorded time
    const byTime = await get(`${p.apiUrl}/stories/${storyId}/timeline?asOf=${encodeURIComponent(asOf.body.reflects.recordedAt)}`);
    expect(byTime.body.statements).toEqual(liveV1.statements);
    expect(byTime.body.reflects.globalPosition).toBe(p1);

    // now: replay at the head equals the live read model
    const live = await get(`${p.apiUrl}/stories/${storyId}/timeline`);
    const head = await get(`${p.apiUrl}/stories/${storyId}/timeline?position=${await p.log.headPosition()}`);
    expect(head.body.statements).toEqual(live.body.statements);
    expect(live.body.statements).not.toEqual(liveV1.statements);
  }, 30_000);

  it('answers 400 for a malformed bound and 404 for an unknown story', async () => {
    expect((await get(`${p.apiUrl}/stories/${storyId}/timeline?asOf=last-tuesday`)).body).toMatchObject({ statusCode: 400, field: 'asOf' });
    expect((await get(`${p.apiUrl}/stories/${storyId}/timeline?position=-3`)).status).toBe(400);
    expect((await get(`${p.apiUrl}/stories/00000000-0000-4000-8000-000000000000/timeline?position=5`)).status).toBe(404);
    expect((await get(`${p.apiUrl}/stories/${storyId}/timeline/diff?from=9&to=1`)).status).toBe(400);
  });

  it('GET /stories/:id/timeline/diff shows the corrected quote: old wording removed (superseded), new added, with the version-2 events', async () => {
    const d = await get(`${p.apiUrl}/stories/${storyId}/timeline/diff?from=${p1}`);
    expect(d.status).toBe(200);
    const removed = d.body.removed.find((x: any) => /going according to plan/.test(x.before.content));
    expect(removed).toBeDefined();
    expect(removed.after.status).toBe('superseded');
    expect(removed.events[0]).toMatchObject({ type: 'WireItemRecorded', itemUri: seed.uri, itemVersion: 2 });
    const added = d.body.added.find((x: any) => /continuing as planned/.test(x.after.content));
    expect(added).toBeDefined();
    expect(added.events[0]).toMatchObject({ type: 'StatementRecorded', itemVersion: 2 });
    expect(added.events[0].extractor.version).toBeTruthy();
    expect(d.body.changed.length).toBeGreaterThan(0);
    expect(d.body.changed.every((c: any) => c.changedFields.includes('itemVersion'))).toBe(true);
    expect(d.body.from).toMatchObject({ globalPosition: p1 });
  }, 30_000);

  it('GET /statements/:id/history lists every event that touched a statement, with item uri/version and extractor version', async () => {
    const live = (await get(`${p.apiUrl}/stories/${storyId}/timeline`)).body.statements;
    const kept = live.find((s: any) => s.itemVersion === 2 && liveV1.statements.some((o: any) => o.statementId === s.statementId));
    const h = await get(`${p.apiUrl}/statements/${kept.statementId}/history`);
    expect(h.status).toBe(200);
    expect(h.body.events.filter((e: any) => e.kind !== 'related').map((e: any) => [e.kind, e.itemVersion])).toEqual([
      ['recorded', 1],
      ['superseded', 2], // the version-2 item event supersedes every version-1 statement ...
      ['recorded_again', 2], // ... until version 2 records it again
    ]);
    expect(h.body.events[0]).toMatchObject({ itemUri: seed.uri, type: 'StatementRecorded', extractor: { version: expect.any(String) } });
    const old = liveV1.statements.find((s: any) => /going according to plan/.test(s.content));
    const h2 = await get(`${p.apiUrl}/statements/${old.statementId}/history`);
    expect(h2.body.events.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['recorded', 'superseded']));
    expect(h2.body.current.status).toBe('superseded');
    expect((await get(`${p.apiUrl}/statements/00000000-0000-4000-8000-000000000000/history`)).status).toBe(404);
  }, 30_000);

  it('GET /audit/verify and `timeline audit verify` report an intact log', async () => {
    const v = await get(`${p.apiUrl}/audit/verify`);
    expect(v.body).toMatchObject({ ok: true, problems: [] });
    expect(v.body.eventsChecked).toBeGreaterThan(5);
    const cli = await runCommand(env, 'audit', 'verify');
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/OK: every hash chain is intact/);
    expect(cli.out).toContain(v.body.headsDigest);
  }, 30_000);

  it('`timeline audit export --position` → `verify-bundle` (no database) reproduces the as-of timeline', async () => {
    const exp = await runCommand(env, 'audit', 'export', '--story', storyId, '--position', p1);
    expect(exp.code).toBe(0);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    const file = path.join(dir, 'bundle.ndjson');
    writeFileSync(file, exp.out);
    const lines = exp.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ kind: 'manifest', storyId, requested: { position: p1 }, lastGlobalPosition: p1 });
    expect(lines.some((l) => l.kind === 'link')).toBe(true); // version 2 lies after the cut: linked to the sealed head
    expect(lines[0].headsDigest).toBe((await get(`${p.apiUrl}/audit/verify`)).body.headsDigest);

    const ok = await runCommand({ PATH: process.env.PATH }, 'audit', 'verify-bundle', file, '--json'); // no DATABASE_URL
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.out);
    expect(report.ok).toBe(true);
    expect(report.statements).toEqual(liveV1.statements);

    const text = await runCommand({}, 'audit', 'verify-bundle', file);
    expect(text.out).toMatch(/OK: chain intact/);
    expect(text.out).toMatch(/Peskov/);

    // an edited bundle fails, naming the stream position
    const bad = exp.out.replace('going according to plan', 'going wonderfully');
    writeFileSync(file, bad);
    const tampered = await runCommand({}, 'audit', 'verify-bundle', file);
    expect(tampered.code).toBe(2);
    expect(tampered.out).toMatch(/BAD: line \d+ \(stream position \d+\): stream position \d+: hash differs/);
  }, 30_000);
});

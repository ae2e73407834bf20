import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { positionBound, ReplayBound, verifyBundle } from '@timeline/audit';
import { storyStream } from '@timeline/events';
import { createTestSchema, PgEventLog, TestSchema } from '@timeline/event-log';
import { AuditQueries } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { AuditService } from '../api/audit.service';
import { id, M, messages, S } from '../../test/support/merge-family';
import { auditExport, AuditIo, auditVerifyBundle, projectionsRebuild } from './audit.command';

/**
 * `timeline audit export` of a merge family (test/support/merge-family.ts:
 * M merged into S, then a late version of M's item on M's stream) over a
 * real log: the bundle holds both streams and verify-bundle reproduces the
 * API's as-of timeline of the survivor.
 */
let db: TestSchema;
let log: PgEventLog;
let mergeEnd: string;

beforeAll(async () => {
  db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 4 });
  log = new PgEventLog(db.pool, { schema: db.schema });
  for (const m of messages) await log.append(m);
  mergeEnd = (await log.readStream(storyStream(M))).filter((e) => e.type === 'StoriesMerged').at(-1)!.globalPosition;
});
afterAll(() => db?.drop());

/** An AuditIo writing into strings, reading the test schema (or `schema`). */
function capture(schema = db.schema): { io: AuditIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (c, _e, cb) => (add(String(c)), cb()) });
  const env = { ...process.env, DATABASE_URL: db.url, DATABASE_SCHEMA: schema };
  return { io: { out: sink((s) => (out += s)), err: sink((s) => (err += s)), env }, out: () => out, err: () => err };
}

/** Run auditExport against the test schema; stdout and stderr as text. */
async function exportStory(story: string, position?: string): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await auditExport({ story, position }, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('timeline audit export of a merge family', () => {
  it("the survivor's bundle holds both streams and reproduces the API's as-of timeline (it held the survivor's stream alone)", async () => {
    const audit = new AuditService(log, new AuditQueries(db.pool, db.schema));
    for (const [position, bound] of [[mergeEnd, positionBound(mergeEnd)], [undefined, { kind: 'head' }]] as Array<[string | undefined, ReplayBound]>) {
      const exp = await exportStory(S, position);
      expect(exp.code).toBe(0);
      expect(exp.err).toMatch(/exported \d+ events of 2 streams \(the story's merge family\)/);
      const report = verifyBundle(exp.out);
      expect(report.problems).toEqual([]);
      expect(report.manifest!.streams.map((s) => s.streamId)).toEqual([storyStream(S), storyStream(M)]);
      const api = await audit.asOf(S, bound);
      expect(report.replay!.entries).toEqual(api.entries);
      expect(report.replay!.entries.map((e) => e.statementId)).toContain(id(2)); // recorded on M's stream
    }
  });

  it("a merged story's export names its survivor on stderr and in the manifest", async () => {
    const exp = await exportStory(M);
    expect(exp.code).toBe(0);
    expect(exp.err).toContain(`note: story ${M} was merged into story ${S}`);
    const report = verifyBundle(exp.out);
    expect(report.ok).toBe(true);
    expect(report.manifest!.timeline.survivor).toBe(S);
  });

  it('an unknown story is an error naming it', async () => {
    await expect(exportStory('33333333-3333-5333-8333-333333333333')).rejects.toThrow(/no story 33333333-3333-5333-8333-333333333333/);
  });
});

describe('audit commands: bad input gets an error naming the input and the problem', () => {
  it('export of a story id that is not a UUID says so (it said "no story not-a-uuid")', async () => {
    await expect(exportStory('not-a-uuid')).rejects.toThrow(/--story must be a story id \(a UUID.*got "not-a-uuid"/);
  });

  it('a schema without an event log is named (it was Postgres\'s "relation … does not exist")', async () => {
    await expect(auditExport({ story: S }, capture('no_such_schema_zz').io)).rejects.toThrow(/schema "no_such_schema_zz" holds no event log.*DATABASE_SCHEMA/);
  });

  it('verify-bundle of a missing file or a folder names the path (it was the raw ENOENT / EISDIR)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    expect(() => auditVerifyBundle(path.join(dir, 'missing.ndjson'), {}, capture().io)).toThrow(`cannot read bundle ${path.join(dir, 'missing.ndjson')}: no such file`);
    expect(() => auditVerifyBundle(dir, {}, capture().io)).toThrow(`cannot read bundle ${dir}: it is a folder, not a file`);
  });

  it('verify-bundle of a bundle that does not verify names the file and prints no timeline from it', async () => {
    const exp = await exportStory(S);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bundle-')), 'cut.ndjson');
    writeFileSync(file, exp.out.slice(0, exp.out.length - 40));
    const c = capture();
    expect(auditVerifyBundle(file, {}, c.io)).toBe(2);
    expect(c.out()).toContain(`NOT VERIFIED: ${file}`);
    expect(c.out()).toMatch(/truncated\?/);
    expect(c.out()).not.toMatch(/^timeline /m);
  });

  it('rebuild --batch that is not a positive whole number is refused before any table is created', async () => {
    const tables = async () => (await db.pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`, [db.schema])).rows[0].n;
    const before = await tables();
    await expect(projectionsRebuild({ projection: 'timeline', batch: 'abc' }, capture().io)).rejects.toThrow('--batch must be a positive whole number of events, got "abc"');
    await expect(projectionsRebuild({ projection: 'timeline', batch: '0' }, capture().io)).rejects.toThrow(/--batch must be/);
    expect(await tables()).toBe(before);
  });
});

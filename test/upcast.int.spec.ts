import { verifyBundle } from '@timeline/audit';
import { chainHash, EventSchemas, sha256Canonical, StatementRecordedData, storyStream, UPCASTERS, deterministicId } from '@timeline/events';
import { createTestSchema, PgEventLog, TestSchema } from '@timeline/event-log';
import { AuditQueries, rebuildTimeline, TimelineProjection } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { AuditService } from '../apps/api/audit.service';
import { runCommand } from './support/run-command';

/**
 * Schema versions (issue 6, item 7). No event type of this service has a
 * version 2 yet, so this test — and only this test file (jest gives each
 * file its own module registry) — pretends StatementRecorded is at version 2
 * and that version 1 was a TEST-ONLY older shape: `said_on: 'YYYY-MM-DD' | null`
 * instead of the `saidAt` day range. It stores such a version-1 event (raw
 * SQL, correctly chained, as an older writer would have) and reads it as
 * version 2 through the upcaster in the projector, in as-of replay and in
 * export (the bundle keeps the stored version-1 row, which the chain hash
 * covers; verify-bundle upcasts it on read).
 */
describe('upcasting a stored version-1 event to version 2 (test-only shape)', () => {
  const original = EventSchemas.StatementRecorded;
  let db: TestSchema;
  let log: PgEventLog;
  const storyId = deterministicId('upcast-story');
  const streamId = storyStream(storyId);
  const itemUri = 'urn:test:upcast';
  const statementId = deterministicId('upcast-statement');

  beforeAll(async () => {
    (EventSchemas as any).StatementRecorded = { version: 2, data: StatementRecordedData };
    UPCASTERS['StatementRecorded@1'] = ({ said_on, ...rest }: any) => ({ ...rest, saidAt: said_on ? { from: said_on, to: said_on } : null });
    db = await createTestSchema({ migrations: ALL_MIGRATIONS });
    log = new PgEventLog(db.pool, { schema: db.schema });

    const item = {
      uri: itemUri, version: 1, pubstatus: 'usable' as const, firstcreated: '2019-06-04T15:02:00Z', versioncreated: '2019-06-04T15:02:00Z',
      headline: 'Kremlin contradicts Trump', byline: null, located: null, language: 'en', body_text: 'Trump tweeted on Monday that Russia had removed most of its people.', ednote: null, subject: [],
    };
    await log.append([
      {
        type: 'WireItemRecorded', eventId: deterministicId('upcast-item'), streamId, schemaVersion: 1,
        data: { storyId, item, format: 'ninjs', contentHash: sha256Canonical(item), storyTitle: item.headline },
        metadata: { correlationId: 'upcast', causationId: null },
      },
    ]);
    // The version-1 event, as an older writer stored it.
    const v1 = {
      statementId, storyId, itemUri, itemVersion: 1,
      source: { name: 'Donald Trump', type: 'person', role: 'President', speakerId: deterministicId('speaker', 'donald trump') },
      cue: 'tweeted', content: 'Russia had removed most of its people', kind: 'indirect', medium: 'tweet', via: [],
      said_on: '2019-06-03', mentions: [{ start: 0, end: 20 }], relations: [], extractor: { name: 'rules', version: '0.9.0' },
    };
    const head = (await db.pool.query(`SELECT position, hash FROM "${db.schema}".stream_heads WHERE stream_id = $1`, [streamId])).rows[0];
    const row = {
      eventId: deterministicId('upcast-v1-event'), streamId, streamPosition: head.position + 1, type: 'StatementRecorded', schemaVersion: 1,
      data: v1, metadata: { correlationId: 'upcast', causationId: null }, recordedAt: new Date().toISOString(),
    };
    const hash = chainHash(head.hash, row);
    await db.pool.query(
      `INSERT INTO "${db.schema}".events (event_id, stream_id, stream_position, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
       VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9)`,
      [row.eventId, streamId, row.streamPosition, row.type, JSON.stringify(v1), JSON.stringify(row.metadata), row.recordedAt, head.hash, hash],
    );
    await db.pool.query(`UPDATE "${db.schema}".stream_heads SET position = $2, hash = $3 WHERE stream_id = $1`, [streamId, row.streamPosition, hash]);
    expect((await log.verifyChains()).ok).toBe(true);
  });
  afterAll(async () => {
    (EventSchemas as any).StatementRecorded = original;
    delete UPCASTERS['StatementRecorded@1'];
    await db?.drop();
  });

  it('the stored row stays version 1 (the log is never rewritten)', async () => {
    const r = await db.pool.query(`SELECT schema_version, data FROM "${db.schema}".events WHERE type = 'StatementRecorded'`);
    expect(r.rows[0].schema_version).toBe(1);
    expect(r.rows[0].data.said_on).toBe('2019-06-03');
  });

  it('the projector reads it as version 2', async () => {
    const projection = new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 100 });
    const end = Date.now() + 10_000;
    let applied = 0;
    while (applied < 2 && Date.now() < end) applied += (await projection.step()).applied;
    const doc = (await db.pool.query(`SELECT doc FROM "${db.schema}".rm_statements WHERE statement_id = $1`, [statementId])).rows[0].doc;
    expect(doc.saidAt).toEqual({ from: '2019-06-03', to: '2019-06-03' });
    expect(doc).not.toHaveProperty('said_on');
  });

  it('the rebuild reads it as version 2 (and writes the rows the projector wrote)', async () => {
    const before = (await db.pool.query(`SELECT doc FROM "${db.schema}".rm_statements WHERE statement_id = $1`, [statementId])).rows[0].doc;
    expect(before.saidAt).toEqual({ from: '2019-06-03', to: '2019-06-03' }); // the projector test above ran
    const report = await rebuildTimeline(db.pool, log, { schema: db.schema });
    expect(report.events).toBe(2);
    const doc = (await db.pool.query(`SELECT doc FROM "${db.schema}".rm_statements WHERE statement_id = $1`, [statementId])).rows[0].doc;
    expect(doc).toEqual(before);
  });

  it('as-of replay reads it as version 2', async () => {
    const audit = new AuditService(log, new AuditQueries(db.pool, db.schema));
    const r = await audit.asOf(storyId, { kind: 'position', globalPosition: await log.headPosition() });
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]).toMatchObject({ statementId, saidAt: { from: '2019-06-03', to: '2019-06-03' } });
  });

  it('export keeps the stored version 1 (hashed), and verify-bundle reads it as version 2', async () => {
    const exp = await runCommand({ ...process.env, DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema }, 'audit', 'export', '--story', storyId);
    expect(exp.code).toBe(0);
    const event = exp.out.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.type === 'StatementRecorded');
    expect(event).toMatchObject({ kind: 'event', schemaVersion: 1, data: { said_on: '2019-06-03' } });
    const report = verifyBundle(exp.out);
    expect(report.problems).toEqual([]);
    expect(report.replay!.entries[0].saidAt).toEqual({ from: '2019-06-03', to: '2019-06-03' });
  });
});

import { createTestSchema, PgEventLog, sampleWireItemEvent, TestSchema } from '@timeline/event-log';
import { isPermanentError } from '@timeline/messaging';
import { BatchingAppender } from './batching-appender';

describe('BatchingAppender (real Postgres)', () => {
  let db: TestSchema;
  let log: PgEventLog;
  beforeEach(async () => {
    db = await createTestSchema();
    log = new PgEventLog(db.pool, { schema: db.schema });
  });
  afterEach(async () => {
    await db.drop();
  });

  it('batches concurrent messages into one transaction and resolves each after COMMIT', async () => {
    const appender = new BatchingAppender(log, { maxMessages: 10, waitMs: 20 });
    const msgs = [0, 1, 2].map((i) => [sampleWireItemEvent('s', `m${i}`)]);
    const results = await Promise.all(msgs.map((m) => appender.append(m)));
    expect(results.map((r) => r[0].status)).toEqual(['appended', 'appended', 'appended']);
    const tx = await db.pool.query(`SELECT count(DISTINCT transaction_id)::int AS n FROM "${db.schema}".events`);
    expect(tx.rows[0].n).toBe(1);
  });

  it('regression: one poison message failed its whole batch forever — now it alone is rejected as permanent and the others commit', async () => {
    const appender = new BatchingAppender(log, { maxMessages: 10, waitMs: 20 });
    const good = [sampleWireItemEvent('s', 'good-1')];
    const poison = [{ ...sampleWireItemEvent('s', 'poison'), data: { ...sampleWireItemEvent('s', 'poison').data, item: { ...sampleWireItemEvent('s', 'poison').data.item, body_text: 'nul \u0000 byte' } } }];
    const good2 = [sampleWireItemEvent('s', 'good-2')];
    const [a, b, c] = await Promise.allSettled([appender.append(good), appender.append(poison), appender.append(good2)]);
    expect(a.status).toBe('fulfilled');
    expect(c.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(isPermanentError((b as PromiseRejectedResult).reason)).toBe(true);
    expect((b as PromiseRejectedResult).reason.message).toMatch(/U\+0000/);
    const ids = (await db.pool.query(`SELECT event_id::text FROM "${db.schema}".events`)).rows.map((r) => r.event_id).sort();
    expect(ids).toEqual([good[0].eventId, good2[0].eventId].sort());
  });

  it('a transient failure (database unreachable) is not made permanent', async () => {
    const appender = new BatchingAppender(log, { maxMessages: 10, waitMs: 1 });
    await db.pool.query(`ALTER TABLE "${db.schema}".events RENAME TO events_away`);
    const err = await appender.append([sampleWireItemEvent('s', 'x')]).catch((e) => e);
    await db.pool.query(`ALTER TABLE "${db.schema}".events_away RENAME TO events`);
    expect(err).toBeInstanceOf(Error);
    expect(isPermanentError(err)).toBe(false);
  });
});

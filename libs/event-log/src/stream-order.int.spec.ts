import { checkpointOf, createTestSchema, PgEventLog, sampleWireItemEvent, START_CHECKPOINT, TestSchema, Checkpoint } from './index';
import type { StoredEvent } from '@timeline/events';

/**
 * Several writer instances append multi-stream batches. The gap-safe reader
 * orders by (transaction_id, global_position), so per stream the transaction
 * ids must follow the stream positions, or a projector would fold a stream
 * out of order. Writers therefore take per-stream advisory locks before
 * their first write (a transaction gets its xid at its first write).
 */
describe('PgEventLog: per-stream order under concurrent writers', () => {
  let db: TestSchema;
  let log: PgEventLog;
  beforeEach(async () => {
    db = await createTestSchema({ poolMax: 6 });
    log = new PgEventLog(db.pool, { schema: db.schema });
  });
  afterEach(async () => {
    await db.drop();
  });

  it('regression: a writer blocked on a stream held a transaction id older than the holder — it now gets one only after the holder commits', async () => {
    const s1 = sampleWireItemEvent('shared', 'first');
    const other = sampleWireItemEvent('other', 'x');
    const s2 = sampleWireItemEvent('shared', 'second');
    const t1 = await db.pool.connect();
    const t2 = await db.pool.connect();
    try {
      const pid2 = (await t2.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await t1.query('BEGIN');
      await log.append([s1], { client: t1 });
      await t2.query('BEGIN');
      const pending = log.append([other, s2], { client: t2 }).then(() => t2.query('COMMIT'));
      // Wait until T2 is blocked on the stream lock, then check it owns no xid yet.
      const end = Date.now() + 10_000;
      for (;;) {
        const r = await db.pool.query(`SELECT wait_event_type, backend_xid FROM pg_stat_activity WHERE pid = $1`, [pid2]);
        if (r.rows[0]?.wait_event_type === 'Lock') {
          expect(r.rows[0].backend_xid).toBeNull();
          break;
        }
        if (Date.now() > end) throw new Error('T2 never blocked on the stream lock');
        await new Promise((res) => setTimeout(res, 10));
      }
      await t1.query('COMMIT');
      await pending;
    } finally {
      t1.release();
      t2.release();
    }
    // Read everything gap-safely: the shared stream comes out in position order.
    const seen: StoredEvent[] = [];
    let cp: Checkpoint = START_CHECKPOINT;
    const end = Date.now() + 10_000;
    while (seen.length < 3 && Date.now() < end) {
      const page = await log.readAllGapSafe(cp, 10);
      if (page.length) cp = checkpointOf(page[page.length - 1]);
      seen.push(...page);
    }
    const shared = seen.filter((e) => e.streamId === s1.streamId);
    expect(shared.map((e) => e.eventId)).toEqual([s1.eventId, s2.eventId]);
    expect(shared.map((e) => e.streamPosition)).toEqual([1, 2]);
  });
});

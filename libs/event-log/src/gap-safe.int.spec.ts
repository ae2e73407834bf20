import type { PoolClient } from 'pg';
import type { StoredEvent } from '@timeline/events';
import { checkpointOf, createTestSchema, PgEventLog, sampleWireItemEvent, START_CHECKPOINT, TestSchema, Checkpoint } from './index';

/**
 * DESIGN.md decision 5: a sequence value is taken before commit, so commits
 * land out of global-position order. These tests hold a transaction open
 * (no sleeps: every step is awaited in order).
 */
describe('PgEventLog.readAllGapSafe (late commits)', () => {
  let db: TestSchema;
  let log: PgEventLog;
  let held: PoolClient | undefined;

  beforeEach(async () => {
    db = await createTestSchema();
    log = new PgEventLog(db.pool, { schema: db.schema });
  });
  afterEach(async () => {
    if (held) {
      await held.query('ROLLBACK').catch(() => undefined);
      held.release();
      held = undefined;
    }
    await db.drop();
  });

  /** Read everything safely readable after cp now, page by page; returns events and the new checkpoint. */
  async function drain(cp: Checkpoint, limit = 2) {
    const out: StoredEvent[] = [];
    for (;;) {
      const page = await log.readAllGapSafe(cp, limit);
      if (page.length === 0) return { events: out, cp };
      out.push(...page);
      cp = checkpointOf(page[page.length - 1]);
    }
  }

  /**
   * Keep reading until `count` events arrived (or 10 s passed). The snapshot xmin
   * is cluster-wide, so a short transaction of a concurrent test can delay
   * events for a moment: wait on the condition instead of reading once.
   */
  async function drainUntil(cp: Checkpoint, count: number) {
    const out: StoredEvent[] = [];
    const deadline = Date.now() + 10_000;
    while (out.length < count && Date.now() < deadline) {
      const r = await drain(cp);
      out.push(...r.events);
      cp = r.cp;
      if (out.length < count) await new Promise((res) => setTimeout(res, 20));
    }
    return { events: out, cp };
  }

  it('does not return a later commit past an open transaction, then returns the late event exactly once', async () => {
    const e0 = sampleWireItemEvent('s0', 'before');
    await log.append([e0]);
    let { events, cp } = await drainUntil(START_CHECKPOINT, 1);
    expect(events.map((e) => e.eventId)).toEqual([e0.eventId]);

    // A takes a global position and stays open.
    held = await db.pool.connect();
    await held.query('BEGIN');
    const a = sampleWireItemEvent('sA', 'late');
    const ra = await log.append([a], { client: held });
    // B commits a later global position.
    const b = sampleWireItemEvent('sB', 'early');
    const rb = await log.append([b]);
    expect(BigInt(rb.events[0].globalPosition)).toBeGreaterThan(BigInt(ra.events[0].globalPosition));

    // The naive reader would see B now and skip A forever:
    const naive = await db.pool.query(`SELECT event_id::text AS id FROM ${db.schema}.events WHERE global_position > $1`, [
      cp.globalPosition,
    ]);
    expect(naive.rows.map((r) => r.id)).toEqual([b.eventId]);
    // The gap-safe reader waits for A.
    ({ events, cp } = await drain(cp));
    expect(events).toEqual([]);

    await held.query('COMMIT');
    held.release();
    held = undefined;

    ({ events, cp } = await drainUntil(cp, 2));
    expect(events.map((e) => e.eventId)).toEqual([a.eventId, b.eventId]);
    expect((await drain(cp)).events).toEqual([]);
  });

  it('orders by transaction id: an older transaction committing first is read, a younger one with a smaller position later', async () => {
    // B starts first (older xid) but takes its global position after A.
    const clientB = await db.pool.connect();
    try {
      await clientB.query('BEGIN');
      await clientB.query('SELECT pg_current_xact_id()'); // assign B's xid now
      held = await db.pool.connect();
      await held.query('BEGIN');
      const a = sampleWireItemEvent('sA', 'a');
      const ra = await log.append([a], { client: held });
      const b = sampleWireItemEvent('sB', 'b');
      const rb = await log.append([b], { client: clientB });
      await clientB.query('COMMIT');
      expect(BigInt(rb.events[0].globalPosition)).toBeGreaterThan(BigInt(ra.events[0].globalPosition));

      // B (older xid, committed) is safe; A is not yet.
      let { events, cp } = await drainUntil(START_CHECKPOINT, 1);
      expect(events.map((e) => e.eventId)).toEqual([b.eventId]);

      await held.query('COMMIT');
      held.release();
      held = undefined;
      // A has a SMALLER global position than the checkpoint, yet is read: the checkpoint is on (xid, position).
      ({ events, cp } = await drainUntil(cp, 1));
      expect(events.map((e) => e.eventId)).toEqual([a.eventId]);
      expect(BigInt(cp.globalPosition)).toBeLessThan(BigInt(rb.events[0].globalPosition));
      expect((await drain(cp)).events).toEqual([]);
    } finally {
      await clientB.query('ROLLBACK').catch(() => undefined);
      clientB.release();
    }
  });

  it('a rolled-back transaction leaves a hole in global positions that the reader passes over', async () => {
    held = await db.pool.connect();
    await held.query('BEGIN');
    await log.append([sampleWireItemEvent('sA', 'gone')], { client: held });
    const b = sampleWireItemEvent('sB', 'kept');
    await log.append([b]);
    expect((await drain(START_CHECKPOINT)).events).toEqual([]);
    await held.query('ROLLBACK');
    held.release();
    held = undefined;
    expect((await drainUntil(START_CHECKPOINT, 1)).events.map((e) => e.eventId)).toEqual([b.eventId]);
  });

  it('regression: positions past 9 were read in text order ("10" < "2"), skipping events — reads numerically in pages', async () => {
    const events = Array.from({ length: 25 }, (_, i) => sampleWireItemEvent('many', `n${i}`));
    await log.append(events);
    const seen: string[] = [];
    let cp: Checkpoint = START_CHECKPOINT;
    for (;;) {
      const page = await log.readAllGapSafe(cp, 7);
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.eventId));
      cp = checkpointOf(page[page.length - 1]);
    }
    expect(seen).toEqual(events.map((e) => e.eventId));
  });

  it('validates arguments', async () => {
    await expect(log.readAllGapSafe({ transactionId: 'x', globalPosition: '0' }, 10)).rejects.toThrow(/transactionId/);
    await expect(log.readAllGapSafe(START_CHECKPOINT, 0)).rejects.toThrow(/limit/);
  });
});

describe('checkpoints and stats', () => {
  let db: TestSchema;
  let log: PgEventLog;
  beforeEach(async () => {
    db = await createTestSchema();
    log = new PgEventLog(db.pool, { schema: db.schema });
  });
  afterEach(() => db.drop());

  it('saves a checkpoint in the caller transaction (rolled back with it) and reports lag', async () => {
    expect(await log.getCheckpoint('timeline')).toEqual(START_CHECKPOINT);
    const r = await log.append([sampleWireItemEvent('s', 'a'), sampleWireItemEvent('s', 'b'), sampleWireItemEvent('t', 'c')]);
    expect(await log.headPosition()).toBe(r.events[2].globalPosition);
    expect(await log.stats('timeline')).toEqual({
      lastGlobalPosition: r.events[2].globalPosition,
      checkpoint: START_CHECKPOINT,
      eventsBehind: 3,
    });

    const first = (await log.readStream(r.events[0].streamId))[0];
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      expect(await log.getCheckpoint('timeline', client, { forUpdate: true })).toEqual(START_CHECKPOINT);
      await log.saveCheckpoint('timeline', checkpointOf(first), client);
      await client.query('ROLLBACK');
      expect(await log.getCheckpoint('timeline')).toEqual(START_CHECKPOINT);

      await client.query('BEGIN');
      await log.saveCheckpoint('timeline', checkpointOf(first), client);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await log.getCheckpoint('timeline')).toEqual(checkpointOf(first));
    expect((await log.stats('timeline')).eventsBehind).toBe(2);
    await log.deleteCheckpoint('timeline');
    expect(await log.getCheckpoint('timeline')).toEqual(START_CHECKPOINT);
  });
});

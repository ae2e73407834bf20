import { createTestSchema, PgEventLog, sampleWireItemEvent, TestSchema } from '@timeline/event-log';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { TimelineProjection, TIMELINE_PROJECTION } from '@timeline/read-model';

/**
 * The projector against the real Postgres: gap-safe catch-up (DESIGN.md
 * decision 5) and checkpoint-with-rows atomicity. Waits on conditions only.
 */
describe('TimelineProjection', () => {
  let db: TestSchema;
  let log: PgEventLog;
  let projection: TimelineProjection;

  beforeEach(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 6 });
    log = new PgEventLog(db.pool, { schema: db.schema });
    projection = new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 100 });
  });
  afterEach(async () => {
    await db.drop();
  });

  const itemsApplied = async () => (await db.pool.query(`SELECT uri FROM "${db.schema}".rm_items ORDER BY uri`)).rows.map((r) => r.uri);

  /** Step until `cond` holds (other tests' short transactions can hold the snapshot xmin back briefly). */
  async function stepUntil(cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
    let applied = 0;
    const end = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error('condition not reached');
      applied += (await projection.step()).applied;
    }
    return applied;
  }

  it('late commit: does not pass an event whose transaction is still open, and applies it exactly once after COMMIT', async () => {
    const a = sampleWireItemEvent('story-late', 'a');
    const b = sampleWireItemEvent('story-other', 'b'); // another stream: the same one would wait on A's head lock
    // Transaction A takes the lower global position and stays open.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      const [ra] = (await log.append([a], { client: holder })).events;
      // B commits a later position.
      const [rb] = (await log.append([b])).events;
      expect(BigInt(rb.globalPosition)).toBeGreaterThan(BigInt(ra.globalPosition));

      // While A is open, the projector must not apply B (it would then skip A forever).
      for (let i = 0; i < 5; i++) expect((await projection.step()).applied).toBe(0);
      expect(await itemsApplied()).toEqual([]);
      expect((await log.getCheckpoint(TIMELINE_PROJECTION)).globalPosition).toBe('0');

      await holder.query('COMMIT');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    const applied = await stepUntil(async () => (await itemsApplied()).length === 2);
    expect(applied).toBe(2);
    expect(await itemsApplied()).toEqual(['urn:test:a', 'urn:test:b']);
    // Nothing is applied twice: further steps find no work.
    expect((await projection.step()).applied).toBe(0);
    const counts = (await db.pool.query(`SELECT (state->>'eventCount')::int AS n FROM "${db.schema}".rm_story_states`)).rows.map((r) => r.n);
    expect(counts).toEqual([1, 1]);
  });

  it('two projector instances never apply an event twice (advisory lock)', async () => {
    const events = Array.from({ length: 30 }, (_, i) => sampleWireItemEvent('story-two', `i${i}`));
    await log.append(events);
    const other = new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 7 });
    const small = new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 7 });
    let total = 0;
    const end = Date.now() + 10_000;
    while ((await itemsApplied()).length < 30 && Date.now() < end) {
      const [x, y] = await Promise.all([small.step(), other.step()]);
      total += x.applied + y.applied;
    }
    expect(total).toBe(30);
    const state = (await db.pool.query(`SELECT state FROM "${db.schema}".rm_story_states`)).rows[0].state;
    expect(state.eventCount).toBe(30);
  });
});

import { UPCASTERS } from '@timeline/events';
import { countDeadLetters, createPool, createTestSchema, listDeadLetters, PgEventLog, sampleWireItemEvent, TestSchema } from '@timeline/event-log';
import { redriveProjectorDeadLetters, skipPoisonEvent, TimelineProjection, TIMELINE_PROJECTION } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import type { Pool } from 'pg';
import { ProjectorRunner } from './projector.runner';

/**
 * Poison events (issue 5, item 3) against the real Postgres: an event that
 * cannot be read is dead-lettered and skipped and the projector goes on; a
 * transient failure (the projector's connection killed by the server) is
 * retried and never dead-lettered; a redrive after the fix re-folds the story.
 * Waits on conditions only.
 */
describe('projector poison events', () => {
  let db: TestSchema;
  let log: PgEventLog;
  let runner: ProjectorRunner | undefined;
  let pools: Pool[] = [];

  beforeEach(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 4 });
    log = new PgEventLog(db.pool, { schema: db.schema });
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    for (const p of pools) await p.end();
    pools = [];
    delete UPCASTERS['WireItemRecorded@0'];
    await db.drop();
  });

  function startRunner(applicationName: string, maxAttempts = 3): { pool: Pool; runner: ProjectorRunner } {
    const pool = createPool(db.url, { max: 3, applicationName });
    pools.push(pool);
    const plog = new PgEventLog(pool, { schema: db.schema });
    const projection = new TimelineProjection(pool, plog, { schema: db.schema, batchSize: 100 });
    runner = new ProjectorRunner(projection, 20, {
      maxAttempts,
      backoffBaseMs: 5,
      skip: (error, attempts) => skipPoisonEvent(pool, plog, { schema: db.schema, error, attempts }),
    });
    runner.start();
    return { pool, runner };
  }

  async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const items = async () => (await db.pool.query(`SELECT uri FROM "${db.schema}".rm_items ORDER BY uri`)).rows.map((r) => r.uri);

  it('dead-letters an event that fails upcasting, skips it, applies the events after it, and re-folds the story on redrive after the fix', async () => {
    await log.append([sampleWireItemEvent('s1', 'a')]);
    const poison = sampleWireItemEvent('s1', 'poison');
    const [stored] = (await log.append([poison])).events;
    // A stored event of a schema version this code has no upcaster for.
    await db.pool.query(`UPDATE "${db.schema}".events SET schema_version = 0 WHERE event_id = $1`, [poison.eventId]);
    await log.append([sampleWireItemEvent('s1', 'b'), sampleWireItemEvent('s2', 'c')]);

    startRunner('poison-test');
    await until(async () => (await log.stats(TIMELINE_PROJECTION)).eventsBehind === 0, 'the projector to pass every event');

    expect(await items()).toEqual(['urn:test:a', 'urn:test:b', 'urn:test:c']);
    const dead = await listDeadLetters(db.pool, db.schema);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      source: 'projector:timeline',
      eventId: poison.eventId,
      globalPosition: stored.globalPosition,
      streamId: poison.streamId,
      storyId: poison.data.storyId,
      attempts: 3,
      payloadEncoding: 'utf8',
      redrivenAt: null,
    });
    expect(dead[0].error).toMatch(/no upcaster for WireItemRecorded from version 0/);
    expect(JSON.parse(dead[0].payload)).toMatchObject({ event_id: poison.eventId, schema_version: 0 });
    expect(await countDeadLetters(db.pool, db.schema)).toEqual({ total: 1, bySource: { 'projector:timeline': 1 } });

    // Still broken: the redrive reports the error and leaves it pending.
    const failed = await redriveProjectorDeadLetters(db.pool, log, db.schema, dead);
    expect(failed).toEqual([{ id: dead[0].id, ok: false, detail: expect.stringMatching(/no upcaster/) }]);
    expect((await listDeadLetters(db.pool, db.schema))[0].redrivenAt).toBeNull();

    // The fix (an upcaster for version 0), then the redrive re-folds story s1 with the event in log order.
    UPCASTERS['WireItemRecorded@0'] = (d) => d;
    const ok = await redriveProjectorDeadLetters(db.pool, log, db.schema, dead);
    expect(ok).toEqual([{ id: dead[0].id, ok: true, detail: expect.stringMatching(/re-folded from 3 events/) }]);
    expect(await items()).toEqual(['urn:test:a', 'urn:test:b', 'urn:test:c', 'urn:test:poison']);
    expect((await listDeadLetters(db.pool, db.schema))[0].redrivenAt).not.toBeNull();
    expect(await countDeadLetters(db.pool, db.schema)).toEqual({ total: 0, bySource: {} });
  });

  it('retries a transient failure (its connection terminated by the server mid-query, which used to crash the process with an unhandled pg client error) forever and dead-letters nothing', async () => {
    await log.append([sampleWireItemEvent('t1', 'x'), sampleWireItemEvent('t1', 'y')]);
    const app = `poison-transient-${db.schema}`;
    // Hold the story-state table so the projector's write blocks; then kill its connection while it waits, more times than maxAttempts.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE "${db.schema}".rm_story_states IN EXCLUSIVE MODE`);
      startRunner(app, 2);
      for (let kill = 0; kill < 4; kill++) {
        let pid: number | undefined;
        await until(async () => {
          const r = await db.pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app]);
          pid = r.rows[0]?.pid;
          return pid !== undefined;
        }, `the projector to wait on the lock (kill ${kill + 1})`);
        await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      }
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    await until(async () => (await log.stats(TIMELINE_PROJECTION)).eventsBehind === 0, 'the projector to catch up');
    expect(await items()).toEqual(['urn:test:x', 'urn:test:y']);
    expect(await listDeadLetters(db.pool, db.schema)).toEqual([]);
  });
});

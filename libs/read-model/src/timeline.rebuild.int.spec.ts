import { createTestSchema, PgEventLog, TestSchema } from '@timeline/event-log';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { copyLine, rebuildTimeline, TimelineProjection } from '@timeline/read-model';
import { syntheticStory } from '../../../test/support/synthetic-story';

/**
 * The bulk rebuild (fold in memory, COPY, indexes after) must write exactly
 * the rows the live projector writes, and the projector must resume on the
 * rows it wrote (states stored without their statements) as if it had never
 * stopped.
 */
describe('rebuildTimeline (bulk COPY path) and the projector it hands over to', () => {
  let db: TestSchema;
  let log: PgEventLog;
  const a = syntheticStory({ key: 'rebuild-int-a', events: 400, statementsPerItem: 5, correctEvery: 3, killEvery: 4 });

  beforeEach(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 6 });
    log = new PgEventLog(db.pool, { schema: db.schema });
    // Two stories with corrections and kills, interleaved in the log; text with a tab, a newline and a backslash.
    const b = syntheticStory({ key: 'rebuild-int-b', events: 300, statementsPerItem: 4, correctEvery: 2, killEvery: 5 });
    for (const e of a.events) {
      if ((e.data as { item?: { headline: string } }).item?.headline.includes('\t')) continue; // once, though beforeEach runs per test
      if (e.type === 'WireItemRecorded') (e.data as { item: { headline: string } }).item.headline += '\tline\nwith \\ backslash';
    }
    for (let i = 0; i < Math.max(a.events.length, b.events.length); i += 50) {
      await log.append(a.events.slice(i, i + 50));
      await log.append(b.events.slice(i, i + 50));
    }
  });
  afterEach(async () => {
    await db.drop();
  });

  const dump = async () => {
    const q = (sql: string) => db.pool.query(sql).then((r) => r.rows);
    const s = `"${db.schema}"`;
    return {
      statements: await q(`SELECT statement_id, story_id, status, sort_key, speaker, speaker_id, doc FROM ${s}.rm_statements ORDER BY statement_id`),
      items: await q(`SELECT * FROM ${s}.rm_items ORDER BY uri`),
      versions: await q(`SELECT * FROM ${s}.rm_item_versions ORDER BY uri, version`),
      stories: await q(`SELECT * FROM ${s}.rm_stories ORDER BY story_id`),
      states: await q(`SELECT story_id, state FROM ${s}.rm_story_states ORDER BY story_id`),
    };
  };
  /** Every read-model table equal; rm_stories without its signature (signatures depend on batch boundaries, as the live projector's). */
  const expectSameRowsButSignatures = (got: Awaited<ReturnType<typeof dump>>, want: Awaited<ReturnType<typeof dump>>) => {
    const noSig = (rows: Array<Record<string, unknown>>) => rows.map(({ signature: _s, ...r }) => r);
    expect(got.statements).toEqual(want.statements);
    expect(got.items).toEqual(want.items);
    expect(got.versions).toEqual(want.versions);
    expect(got.states).toEqual(want.states);
    expect(noSig(got.stories)).toEqual(noSig(want.stories));
  };
  const drain = async (p: TimelineProjection) => {
    for (let i = 0; i < 1000 && (await p.step()).applied > 0; i++);
  };

  it('given the projector applied the whole log in one step, when rebuilt, then every read-model row is the same', async () => {
    await drain(new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 100_000 }));
    const live = await dump();
    expect(live.statements.length).toBeGreaterThan(100);
    expect(live.items.some((i) => String(i.headline).includes('\\'))).toBe(true);

    const report = await rebuildTimeline(db.pool, log, { schema: db.schema, batchSize: 64 });
    expect(report.events).toBe(a_plus_b(live));
    expect(await dump()).toEqual(live);
    // The generation's tables got the serving tables' indexes and keys.
    const idx = await db.pool.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'rm_statements' ORDER BY indexdef`, [db.schema]);
    expect(idx.rows.map((r) => r.indexdef.replace(/INDEX \S+ ON \S+/, 'INDEX ON t'))).toEqual([
      'CREATE INDEX ON t USING btree (speaker_id)',
      'CREATE INDEX ON t USING btree (story_id, sort_key)',
      'CREATE UNIQUE INDEX ON t USING btree (statement_id)',
    ]);
  });

  it('given a projector stopped half way, when a new instance continues (states reloaded from the rows), then it ends where one uninterrupted pass does', async () => {
    const first = new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 37 });
    for (let i = 0; i < 8; i++) await first.step();
    await drain(new TimelineProjection(db.pool, log, { schema: db.schema, batchSize: 37 }));
    const resumed = await dump();
    // The stored state carries no statements: they are read back from rm_statements.
    expect(resumed.states.every((r) => r.state.statements === undefined)).toBe(true);

    await rebuildTimeline(db.pool, log, { schema: db.schema });
    const rebuilt = await dump();
    expectSameRowsButSignatures(rebuilt, resumed);

    // And the projector continues on the rebuilt tables: new events land.
    const more = syntheticStory({ key: 'rebuild-int-c', events: 30, statementsPerItem: 3 });
    await log.append(more.events);
    await drain(first);
    const after = await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".rm_statements WHERE story_id = $1`, [more.storyId]);
    expect(after.rows[0].n).toBeGreaterThan(0);
  });

  it('given events appended while the bulk phase runs, when the switch folds them (states loaded from the new tables), then the rows equal a rebuild that read them in bulk', async () => {
    const more = syntheticStory({ key: 'rebuild-int-a', events: 520, statementsPerItem: 5, correctEvery: 3, killEvery: 4 }).events.slice(a.events.length);
    expect(more.length).toBeGreaterThan(20);
    let appended = false;
    const during = await rebuildTimeline(db.pool, log, {
      schema: db.schema,
      batchSize: 64,
      onProgress: async (p) => {
        if (p.phase !== 'bulk' || appended) return;
        appended = true;
        await log.append(more);
      },
    });
    expect(during.switchEvents).toBe(more.length);
    const viaSwitch = await dump();
    const bulk = await rebuildTimeline(db.pool, log, { schema: db.schema, batchSize: 64 });
    expect(bulk.switchEvents).toBe(0);
    expect(bulk.events).toBe(during.events);
    const viaBulk = await dump();
    expectSameRowsButSignatures(viaSwitch, viaBulk);
  });

  function a_plus_b(live: { states: Array<{ state: { eventCount: number } }> }): number {
    return live.states.reduce((n, r) => n + r.state.eventCount, 0);
  }
});

describe('copyLine', () => {
  it('escapes backslash, tab, newline and carriage return, and writes NULL as \\N', () => {
    expect(copyLine(['a\\b', 'c\td', 'e\nf\rg', null, 7])).toBe('a\\\\b\tc\\td\te\\nf\\rg\t\\N\t7\n');
  });
});

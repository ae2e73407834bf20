/**
 * Benchmark (a measurement, not a test): as-of replay of one story with
 * 10,000 events, as GET /stories/:id/timeline?asOf=… computes it (read the
 * stream in one query, decode (upcast older schema versions), fold with evolve, list the timeline, serialize).
 * Target: <= 200 ms. Run: `node -r ./bench/swc-hook.js bench/asof.bench.ts [events] [runs]`.
 * Needs Postgres at TEST_DATABASE_URL (default postgres://root@127.0.0.1:5432/test).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { positionBound } from '@timeline/audit';
import { evolve, initialState, timelineEntries } from '@timeline/timeline';
import { createTestSchema, PgEventLog } from '@timeline/event-log';
import { AuditQueries } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { AuditService } from '../apps/api/audit.service';
import { syntheticStory } from '../test/support/synthetic-story';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const n = Number(process.argv[2] ?? 10_000);
  const runs = Number(process.argv[3] ?? 15);
  const db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 4 });
  try {
    const log = new PgEventLog(db.pool, { schema: db.schema });
    const story = syntheticStory({ key: 'asof-bench', events: n });
    for (let i = 0; i < story.events.length; i += 500) await log.append(story.events.slice(i, i + 500));
    await db.pool.query(`ANALYZE "${db.schema}".events`); // as autovacuum would after a bulk load
    const head = await log.headPosition();
    const svc = new AuditService(log, new AuditQueries(db.pool, db.schema));
    const q = new AuditQueries(db.pool, db.schema);
    const bound = positionBound(head);
    const cold: number[] = [];
    const snap: number[] = [];
    const read: number[] = [];
    const fold: number[] = [];
    const entries: number[] = [];
    const ser: number[] = [];
    let statements = 0;
    let bytes = 0;
    for (let i = 0; i < runs + 3; i++) {
      // Cold: a fresh service (no snapshot): read the stream, fold all of it, list, serialize.
      const c0 = performance.now();
      const body = JSON.stringify(await new AuditService(log, new AuditQueries(db.pool, db.schema)).asOfTimeline(story.storyId, bound));
      const c1 = performance.now();
      // With the snapshot of the previous query of the same story (nothing new to fold).
      const s0 = performance.now();
      JSON.stringify(await svc.asOfTimeline(story.storyId, bound));
      const s1 = performance.now();
      // Breakdown of the cold work.
      const r0 = performance.now();
      const events = await q.replayEvents(story.streamId, { toGlobalPosition: head });
      const r1 = performance.now();
      let state = initialState(story.storyId);
      for (const e of events) state = evolve(state, e);
      const r2 = performance.now();
      const list = timelineEntries(state);
      const r3 = performance.now();
      JSON.stringify(list);
      const r4 = performance.now();
      statements = list.length;
      bytes = body.length;
      if (i < 3) continue; // warm-up
      cold.push(c1 - c0);
      snap.push(s1 - s0);
      read.push(r1 - r0);
      fold.push(r2 - r1);
      entries.push(r3 - r2);
      ser.push(r4 - r3);
    }
    const result = {
      bench: 'as-of replay, one story',
      events: n,
      statementsOnTimeline: statements,
      answerBytes: bytes,
      runs,
      medianMs: +median(cold).toFixed(1),
      note: 'medianMs: a full replay (fresh AuditService: no snapshot) — read the 10,000 events in one query, fold them all with evolve, list and serialize the timeline; snapshotMedianMs: the same query again on a service holding the snapshot of the previous one (reads the events after it: none)',
      snapshotMedianMs: +median(snap).toFixed(1),
      minMs: +Math.min(...cold).toFixed(1),
      maxMs: +Math.max(...cold).toFixed(1),
      breakdownMedianMs: { readAndDecode: +median(read).toFixed(1), evolve: +median(fold).toFixed(1), timelineEntries: +median(entries).toFixed(1), serializeJson: +median(ser).toFixed(1) },
      loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
      targetMs: 200,
      node: process.version,
      at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(path.join(__dirname, 'results', 'asof.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * Benchmark (a measurement, not a test): as-of replay of one story with
 * 10,000 events, as GET /stories/:id/timeline?asOf=… computes it (read the
 * stream, upcast + validate, fold with evolve, list the timeline, serialize).
 * Target: <= 200 ms. Run: `node -r ./bench/swc-hook.js bench/asof.bench.ts [events] [runs]`.
 * Needs Postgres at TEST_DATABASE_URL (default postgres://root@127.0.0.1:5432/test).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { positionBound, readRawEvent, replayStory } from '@timeline/audit';
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
    const bound = positionBound(head);
    const total: number[] = [];
    const cold: number[] = [];
    const read: number[] = [];
    const fold: number[] = [];
    const ser: number[] = [];
    const sqlMs: number[] = [];
    const validateMs: number[] = [];
    let statements = 0;
    for (let i = 0; i < runs + 3; i++) {
      const c0 = performance.now();
      JSON.stringify(await new AuditService(log, new AuditQueries(db.pool, db.schema)).asOfTimeline(story.storyId, bound));
      const c1 = performance.now();
      const t0 = performance.now();
      const body = JSON.stringify(await svc.asOfTimeline(story.storyId, bound));
      const t1 = performance.now();
      if (i >= 3) cold.push(c1 - c0);
      // breakdown of the same work
      const r0 = performance.now();
      const rows = await new AuditQueries(db.pool, db.schema).replayRows(story.streamId, { toGlobalPosition: head });
      const rq = performance.now();
      const events = rows.map(readRawEvent);
      const r1 = performance.now();
      sqlMs.push(rq - r0);
      validateMs.push(r1 - rq);
      const rep = replayStory(story.storyId, events, bound);
      const r2 = performance.now();
      JSON.stringify(rep.entries);
      const r3 = performance.now();
      statements = rep.entries.length;
      if (i < 3) continue; // warm-up
      total.push(t1 - t0);
      read.push(r1 - r0);
      fold.push(r2 - r1);
      ser.push(r3 - r2);
      void body;
    }
    const result = {
      bench: 'as-of replay, one story',
      events: n,
      statementsOnTimeline: statements,
      runs,
      medianMs: +median(total).toFixed(1),
      note: 'medianMs: a repeated as-of query (validated events cached per event id + chain hash in the API process); coldMedianMs: the first query of a fresh process (reads and validates every event)',
      coldMedianMs: +median(cold).toFixed(1),
      minMs: +Math.min(...total).toFixed(1),
      maxMs: +Math.max(...total).toFixed(1),
      breakdownMedianMsCold: { readUpcastValidate: +median(read).toFixed(1), ofWhichSqlAndPgParse: +median(sqlMs.slice(3)).toFixed(1), ofWhichUpcastZod: +median(validateMs.slice(3)).toFixed(1), evolveAndTimeline: +median(fold).toFixed(1), serializeJson: +median(ser).toFixed(1) },
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

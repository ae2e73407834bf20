/**
 * Benchmark (a measurement, not a test): as-of replay of one story with
 * 10,000 events, as GET /stories/:id/timeline?position=… computes it
 * (AuditService.asOfPage, what the controller calls): read the whole stream
 * up to the bound in one query, decode (upcast older schema versions), fold
 * ALL of it with evolve, order the timeline, build the default page (100
 * statements, as a client gets it) and serialize it. A fresh AuditService per
 * run: no snapshot, nothing cached between runs.
 * Beside it: the same request continuing from the previous request's
 * snapshot, and the whole timeline (every statement, 6+ MB; the API never
 * sends it in one answer: `limit` is at most 1,000) as the earlier figure measured it.
 * Target: <= 200 ms. Run: `node -r ./bench/swc-hook.js bench/asof.bench.ts [events] [runs]`.
 * Needs Postgres at TEST_DATABASE_URL (default postgres://root@127.0.0.1:5432/test).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { foldEvent, positionBound, replayResult } from '@timeline/audit';
import { initialState } from '@timeline/timeline';
import { createTestSchema, PgEventLog } from '@timeline/event-log';
import { AuditQueries, pageLines } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { AuditService } from '../apps/api/audit.service';
import { syntheticStory } from '../test/support/synthetic-story';
import { median } from './suite/stats';

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
    const coldCpu: number[] = [];
    const snap: number[] = [];
    const whole: number[] = [];
    const read: number[] = [];
    const fold: number[] = [];
    const order: number[] = [];
    const ser: number[] = [];
    const page = { filter: {}, limit: 100 };
    let statements = 0;
    let bytes = 0;
    let wholeBytes = 0;
    for (let i = 0; i < runs + 3; i++) {
      // Cold: a fresh service (no snapshot): read the stream, fold all of it, order, page, serialize.
      const u0 = process.cpuUsage();
      const c0 = performance.now();
      const body = JSON.stringify(await new AuditService(log, new AuditQueries(db.pool, db.schema)).asOfPage(story.storyId, bound, page));
      const c1 = performance.now();
      const u1 = process.cpuUsage(u0);
      // With the snapshot of the previous query of the same story (nothing new to fold).
      const s0 = performance.now();
      JSON.stringify(await svc.asOfPage(story.storyId, bound, page));
      const s1 = performance.now();
      // The whole timeline in one answer (the pre-paging figure): fresh service, every line built and serialized.
      const w0 = performance.now();
      const all = JSON.stringify(await new AuditService(log, new AuditQueries(db.pool, db.schema)).asOfTimeline(story.storyId, bound));
      const w1 = performance.now();
      // Breakdown of the cold work.
      const r0 = performance.now();
      const events = await q.replayEvents(story.streamId, { toGlobalPosition: head });
      const r1 = performance.now();
      let state = initialState(story.storyId);
      for (const e of events) state = foldEvent(state, e);
      const r2 = performance.now();
      // order and page as asOfPage does (replayResult: timelineOrder + incomingRelations; the reflects point is not read here)
      const replayed = replayResult(story.storyId, state, { requested: {}, globalPosition: head, streamPosition: events.length, recordedAt: null, eventCount: events.length });
      const p = pageLines(replayed.ordered, replayed.line, page.filter, page.limit);
      const r3 = performance.now();
      JSON.stringify(p.statements);
      const r4 = performance.now();
      statements = replayed.ordered.length;
      bytes = body.length;
      wholeBytes = all.length;
      if (i < 3) continue; // warm-up
      cold.push(c1 - c0);
      coldCpu.push((u1.user + u1.system) / 1000);
      snap.push(s1 - s0);
      whole.push(w1 - w0);
      read.push(r1 - r0);
      fold.push(r2 - r1);
      order.push(r3 - r2);
      ser.push(r4 - r3);
    }
    const result = {
      bench: 'as-of replay, one story',
      events: n,
      statementsOnTimeline: statements,
      answerBytes: bytes,
      runs,
      medianMs: +median(cold).toFixed(1),
      note: 'medianMs: GET /stories/:id/timeline?position=<head> as the API computes it (AuditService.asOfPage, default page of 100 statements), a full replay on a fresh AuditService (no snapshot): read the 10,000 events in one query, fold them all with evolve, order the timeline, build and serialize the page; cpuMedianMs: this process\'s CPU time for it (Postgres not included); snapshotMedianMs: the same request on a service holding the snapshot of the previous one (reads the events after it: none); wholeTimelineMedianMs: a full replay answering every statement at once (asOfTimeline, wholeTimelineBytes of JSON; the API pages at <= 1,000)',
      cpuMedianMs: +median(coldCpu).toFixed(1),
      snapshotMedianMs: +median(snap).toFixed(1),
      wholeTimelineMedianMs: +median(whole).toFixed(1),
      wholeTimelineBytes: wholeBytes,
      minMs: +Math.min(...cold).toFixed(1),
      maxMs: +Math.max(...cold).toFixed(1),
      breakdownMedianMs: { readAndDecode: +median(read).toFixed(1), evolve: +median(fold).toFixed(1), orderAndPage: +median(order).toFixed(1), serializePage: +median(ser).toFixed(1) },
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

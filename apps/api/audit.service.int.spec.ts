import { positionBound, ReplayBound, timeBound } from '@timeline/audit';
import { deterministicId, StoredEvent } from '@timeline/events';
import { createTestSchema, PgEventLog, TestSchema } from '@timeline/event-log';
import { AuditQueries, pageTimeline, TimelineCursor, TimelineFilter } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { evolve, initialState, timelineEntries } from '@timeline/timeline';
import { syntheticStory } from '../../test/support/synthetic-story';
import { AuditService } from './audit.service';

/**
 * The as-of fast path (AuditService.asOfPage: the narrow replay read without
 * metadata and item text, lines built only for the page, snapshots) gives
 * exactly the answer of the plain computation: every event read with
 * PgEventLog.readStream, folded with evolve, every line listed with
 * timelineEntries, then pageTimeline.
 */
describe('AuditService.asOfPage equals the plain evolve replay', () => {
  let db: TestSchema;
  let log: PgEventLog;
  let all: StoredEvent[];
  const story = syntheticStory({ key: 'asof-equivalence', events: 900, correctEvery: 4, killEvery: 7 });

  beforeAll(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 4 });
    log = new PgEventLog(db.pool, { schema: db.schema });
    for (let i = 0; i < story.events.length; i += 100) await log.append(story.events.slice(i, i + 100));
    all = await log.readStream(story.streamId);
  });
  afterAll(() => db.drop());

  /** The plain answer: fold the events within the bound from the start, list every line, page. */
  function plainFold(bound: ReplayBound) {
    const within = all.filter((e) => (bound.kind === 'position' ? BigInt(e.globalPosition) <= BigInt(bound.globalPosition) : bound.kind === 'time' ? e.recordedAt <= bound.asOf : true));
    let state = initialState(story.storyId);
    for (const e of within) state = evolve(state, e);
    return { within, state, lines: timelineEntries(state) };
  }
  function plain({ within, state, lines }: ReturnType<typeof plainFold>, filter: TimelineFilter, limit: number, after?: TimelineCursor) {
    const page = pageTimeline(lines, filter, limit, after);
    const last = within[within.length - 1];
    const keys = lines.map((l) => l.saidAt?.from ?? l.saidAt?.to ?? l.itemDay).sort();
    return {
      statements: page.statements,
      nextCursor: page.nextCursor,
      story: { statementCount: lines.length, firstSaid: keys[0] ?? null, lastSaid: keys[keys.length - 1] ?? null, title: state.title },
      reflects: { globalPosition: last.globalPosition, streamPosition: last.streamPosition, recordedAt: last.recordedAt, eventCount: within.length },
    };
  }

  const bounds = (): ReplayBound[] => [
    positionBound(all[Math.floor(all.length / 4)].globalPosition),
    positionBound(all[Math.floor(all.length / 2)].globalPosition),
    timeBound(all[Math.floor((all.length * 3) / 4)].recordedAt),
    positionBound(all[all.length - 1].globalPosition),
  ];
  const speaker = deterministicId('speaker', 'donald trump');
  const filters: TimelineFilter[] = [{}, { speaker }, { relation: 'contradicts' }, { kind: 'direct', from: '2019-06-05', to: '2019-06-20' }];

  it('given bounds, filters and every page (cursors followed), then the answers are identical, on a fresh service and on one holding snapshots', async () => {
    const warm = new AuditService(log, new AuditQueries(db.pool, db.schema));
    let compared = 0;
    for (const bound of bounds()) {
      const folded = plainFold(bound);
      for (const filter of filters) {
        let after: TimelineCursor | undefined;
        let cursor: string | null = null;
        do {
          const want = plain(folded, filter, 97, after);
          for (const svc of [new AuditService(log, new AuditQueries(db.pool, db.schema)), warm]) {
            const got = await svc.asOfPage(story.storyId, bound, { filter, limit: 97, after });
            expect(got.statements).toEqual(want.statements);
            expect(got.nextCursor).toBe(want.nextCursor);
            expect(got.story).toMatchObject(want.story);
            expect(got.reflects).toMatchObject(want.reflects);
            compared += got.statements.length;
          }
          cursor = want.nextCursor;
          after = cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()).v as TimelineCursor) : undefined;
        } while (cursor);
      }
    }
    expect(compared).toBeGreaterThan(1000);
  }, 120_000);

  it('given the whole timeline (asOfTimeline), then its lines are timelineEntries of the plain fold', async () => {
    const head = positionBound(all[all.length - 1].globalPosition);
    const got = await new AuditService(log, new AuditQueries(db.pool, db.schema)).asOfTimeline(story.storyId, head);
    let state = initialState(story.storyId);
    for (const e of all) state = evolve(state, e);
    expect(got.statements).toEqual(timelineEntries(state));
    expect(got.statements.some((l) => l.incoming.length > 0)).toBe(true);
  });
});

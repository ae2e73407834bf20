import { positionBound, replayFamily, ReplayBound } from '@timeline/audit';
import { storyStream, StoredEvent, WireItem } from '@timeline/events';
import { createTestSchema, PgEventLog, TestSchema } from '@timeline/event-log';
import { AuditQueries } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { id, M, messages, S } from '../../test/support/merge-family';
import { AuditService } from './audit.service';

/**
 * AuditService over a real log holding a merge family (test/support/merge-family.ts):
 * S and M, a bridging item merging M into S, then a late version of M's item on M's
 * stream. Positions are read back from the log.
 */
let db: TestSchema;
let pgLog: PgEventLog;
let log: StoredEvent[];
let mergeEnd: string;
let late: StoredEvent;
const streamOf = (story: string): StoredEvent[] => log.filter((e) => e.streamId === storyStream(story));

beforeAll(async () => {
  db = await createTestSchema({ migrations: ALL_MIGRATIONS, poolMax: 4 });
  pgLog = new PgEventLog(db.pool, { schema: db.schema });
  for (const m of messages) await pgLog.append(m);
  log = [...(await pgLog.readStream(storyStream(S))), ...(await pgLog.readStream(storyStream(M)))].sort((a, b) => Number(BigInt(a.globalPosition) - BigInt(b.globalPosition)));
  mergeEnd = log.filter((e) => e.type === 'StoriesMerged').at(-1)!.globalPosition;
  late = log.find((e) => e.type === 'WireItemRecorded' && (e.data as { item: WireItem }).item.version === 2)!;
});
afterAll(() => db?.drop());

describe('AuditService as-of replay of a merge family', () => {
  const service = () => new AuditService(pgLog, new AuditQueries(db.pool, db.schema));

  it('snapshot cache: warm == cold (a late event on the merged stream is not dropped by continuing from the survivor\'s snapshot)', async () => {
    const bounds: ReplayBound[] = [positionBound(String(BigInt(mergeEnd) - 2n)), positionBound(mergeEnd), positionBound(late.globalPosition), { kind: 'head' }];
    const warm = service();
    for (const b of bounds) {
      const w = await warm.asOf(S, b); // asked in order: each could continue from the last
      const c = await service().asOf(S, b);
      expect(w.state).toEqual(c.state);
      expect(w.reflects).toEqual(c.reflects);
    }
    const head = await warm.asOf(S, { kind: 'head' });
    expect(head.state.statements[id(3)].status).toBe('superseded');
    expect(head.state).toEqual(replayFamily(S, new Map([[S, streamOf(S)], [M, streamOf(M)]])).state);
  });

  it('the merged story as of after the merge names its survivor (mergedInto), before it answers alone', async () => {
    const a = service();
    expect((await a.asOfTimeline(M, { kind: 'head' })).mergedInto).toBe(S);
    expect((await a.asOfTimeline(M, positionBound(String(BigInt(mergeEnd) - 2n)))).mergedInto).toBeUndefined();
    expect(await a.survivorOf(M)).toBe(S);
    expect(await a.survivorOf(S)).toBeNull();
  });

  it('asOfPage goes through the family replay: the page is the family\'s (late event on the merged stream included) and names the survivor', async () => {
    const a = service();
    const family = new Map([[S, streamOf(S)], [M, streamOf(M)]]);
    for (const b of [positionBound(mergeEnd), positionBound(late.globalPosition), { kind: 'head' } as ReplayBound]) {
      const page = await a.asOfPage(S, b, { filter: {}, limit: 1000 });
      const whole = replayFamily(S, family, b);
      expect(page.statements).toEqual(whole.entries);
      expect(page.reflects).toMatchObject(whole.reflects);
      expect(page.mergedInto).toBeUndefined();
    }
    const merged = await a.asOfPage(M, { kind: 'head' }, { filter: {}, limit: 1 });
    expect(merged.mergedInto).toBe(S);
  });
});

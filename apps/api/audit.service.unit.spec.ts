import { positionBound, replayFamily, ReplayBound } from '@timeline/audit';
import type { StoredEvent } from '@timeline/events';
import type { PgEventLog } from '@timeline/event-log';
import type { AuditQueries } from '@timeline/read-model';
import { id, late, log, M, mergeEnd, S, streamOf } from '../../test/support/merge-family';
import { AuditService } from './audit.service';

/** AuditQueries over an in-memory log, read as the SQL does: a stream within a bound, after a stream position. */
function fakeQueries(events: readonly StoredEvent[]): AuditQueries {
  return {
    replayEvents: async (streamId: string, bound: { toGlobalPosition?: string; asOf?: string } = {}, after = 0) =>
      events.filter(
        (e) =>
          e.streamId === streamId && e.streamPosition > after &&
          (bound.toGlobalPosition === undefined || BigInt(e.globalPosition) <= BigInt(bound.toGlobalPosition)) &&
          (bound.asOf === undefined || e.recordedAt <= bound.asOf),
      ),
    streamHead: async (streamId: string) => {
      const n = events.filter((e) => e.streamId === streamId).length;
      return n ? { position: n, hash: '' } : null;
    },
  } as unknown as AuditQueries;
}

describe('AuditService as-of replay of a merge family', () => {
  const service = () => new AuditService({} as PgEventLog, fakeQueries(log));

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

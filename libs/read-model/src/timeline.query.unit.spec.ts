import { TimelineStatement, withIncoming } from '@timeline/timeline';
import {
  conflictPairs, CursorError, decodeCursor, encodeCursor, isTimelineCursor, matchesFilter, pageTimeline, statementDays, TimelineFilter, TimelinePage,
} from './timeline.query';

let n = 0;
function st(over: Partial<TimelineStatement> & { speaker?: string }): TimelineStatement {
  n += 1;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const speaker = over.speaker ?? 'Ann';
  return {
    statementId: id,
    storyId: '11111111-1111-4111-8111-111111111111',
    itemUri: 'urn:a',
    itemVersion: 1,
    source: { name: speaker, type: 'person', role: null, speakerId: `22222222-2222-4222-8222-${speaker === 'Ann' ? '000000000001' : '000000000002'}` },
    cue: 'said',
    content: `line ${n}`,
    kind: 'direct',
    medium: null,
    via: [],
    saidAt: null,
    mentions: [{ itemUri: 'urn:a', itemVersion: 1, start: n * 10, end: n * 10 + 5 }],
    relations: [],
    extractor: { name: 'x', version: '1' },
    status: 'active',
    itemDay: '2020-01-10',
    firstRecordedAt: '2020-01-10T00:00:00.000Z',
    recordedAt: '2020-01-10T00:00:00.000Z',
    eventIds: [],
    ...over,
  };
}

describe('timeline filters', () => {
  it('a statement covers its said_at days; an open end takes the other end; no said_at: the item day', () => {
    expect(statementDays(st({ saidAt: { from: '2020-01-01', to: '2020-01-03' } }))).toEqual(['2020-01-01', '2020-01-03']);
    expect(statementDays(st({ saidAt: { from: null, to: '2020-01-03' } }))).toEqual(['2020-01-03', '2020-01-03']);
    expect(statementDays(st({ saidAt: null }))).toEqual(['2020-01-10', '2020-01-10']);
  });

  it('from / to keep statements whose days overlap the range (inclusive)', () => {
    const [line] = withIncoming([st({ saidAt: { from: '2020-01-01', to: '2020-01-03' } })]);
    const keep = (f: TimelineFilter) => matchesFilter(line, f);
    expect(keep({ from: '2020-01-03' })).toBe(true);
    expect(keep({ from: '2020-01-04' })).toBe(false);
    expect(keep({ to: '2020-01-01' })).toBe(true);
    expect(keep({ to: '2019-12-31' })).toBe(false);
    expect(keep({ from: '2020-01-02', to: '2020-01-02' })).toBe(true);
  });

  it('relation keeps both ends of a relation; speaker, kind and medium match exactly', () => {
    const target = st({ speaker: 'Bob', medium: 'tweet' });
    const source = st({ relations: [{ type: 'contradicts', target: target.statementId }], kind: 'indirect' });
    const other = st({});
    const lines = withIncoming([target, source, other]);
    const ids = (f: TimelineFilter) => pageTimeline(lines, f, 100).statements.map((l) => l.statementId);
    expect(ids({ relation: 'contradicts' }).sort()).toEqual([target.statementId, source.statementId].sort());
    expect(ids({ relation: 'supports' })).toEqual([]);
    expect(ids({ speaker: target.source.speakerId })).toEqual([target.statementId]);
    expect(ids({ kind: 'indirect' })).toEqual([source.statementId]);
    expect(ids({ medium: 'tweet' })).toEqual([target.statementId]);
  });
});

describe('timeline pages', () => {
  const lines = withIncoming(
    Array.from({ length: 23 }, (_, i) => st({ speaker: i % 3 ? 'Ann' : 'Bob', saidAt: { from: `2020-01-${String((i % 9) + 1).padStart(2, '0')}`, to: null } })),
  );

  it('following nextCursor gives every line once, in order, for any page size and filter', () => {
    for (const filter of [{}, { speaker: lines.find((l) => l.source.name === 'Bob')!.source.speakerId }, { from: '2020-01-03', to: '2020-01-05' }] as TimelineFilter[]) {
      const all = pageTimeline(lines, filter, 1000).statements;
      for (const size of [1, 2, 5, 22, 23, 24]) {
        const got: string[] = [];
        let cursor: string | null = null;
        for (let guard = 0; guard < 100; guard++) {
          const page: TimelinePage<(typeof lines)[number]> = pageTimeline(lines, filter, size, cursor ? decodeCursor('timeline', cursor, isTimelineCursor) : undefined);
          expect(page.statements.length).toBeLessThanOrEqual(size);
          got.push(...page.statements.map((l) => l.statementId));
          cursor = page.nextCursor;
          if (!cursor) break;
        }
        expect(got).toEqual(all.map((l) => l.statementId));
      }
    }
  });

  it('a cursor stays valid when lines are added before it: the next page continues after the same line', () => {
    const first = pageTimeline(lines, {}, 5);
    const after = decodeCursor('timeline', first.nextCursor!, isTimelineCursor);
    const grown = withIncoming([...lines, st({ saidAt: { from: '2019-12-01', to: null } })]);
    expect(pageTimeline(grown, {}, 5, after).statements[0].statementId).toBe(pageTimeline(lines, {}, 5, after).statements[0].statementId);
  });

  it('the last page has nextCursor null (also when it is exactly full)', () => {
    expect(pageTimeline(lines, {}, 23).nextCursor).toBeNull();
    expect(pageTimeline(lines, {}, 22).nextCursor).not.toBeNull();
  });
});

describe('cursors', () => {
  it('refuses text that is not a cursor, and a cursor of another listing', () => {
    expect(() => decodeCursor('timeline', 'not a cursor!', isTimelineCursor)).toThrow(CursorError);
    expect(() => decodeCursor('timeline', Buffer.from('{"c":"timeline"').toString('base64url'), isTimelineCursor)).toThrow(CursorError);
    expect(() => decodeCursor('timeline', encodeCursor('stories', { u: null, id: 'x' }), isTimelineCursor)).toThrow(/not issued for this listing/);
    expect(() => decodeCursor('timeline', encodeCursor('timeline', { k: 1 }), isTimelineCursor)).toThrow(/malformed/);
  });
});

describe('conflict pairs', () => {
  it('pairs contradicts / corrects / retracts with both ends on the timeline; not supports, not a missing target', () => {
    const a = st({});
    const b = st({ relations: [{ type: 'contradicts', target: a.statementId }] });
    const c = st({ relations: [{ type: 'supports', target: a.statementId }, { type: 'corrects', target: b.statementId }] });
    const d = st({ relations: [{ type: 'retracts', target: '99999999-9999-4999-8999-999999999999' }] });
    const pairs = conflictPairs(withIncoming([a, b, c, d]));
    expect(pairs.map((p) => [p.relation, p.from.statementId, p.to.statementId])).toEqual([
      ['contradicts', b.statementId, a.statementId],
      ['corrects', c.statementId, b.statementId],
    ]);
    expect(pairs[0].to.incoming).toEqual(expect.arrayContaining([{ type: 'contradicts', source: b.statementId }]));
  });
});

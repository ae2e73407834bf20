import { itemEventId, StoredEvent, storyStream, WireItem, GENESIS_HASH } from '@timeline/events';
import type { ExtractedStatement } from '@timeline/extraction';
import { evolve, initialState, recordItemEvents, StoryTimeline, timelineEntries } from '@timeline/timeline';

const STORY = '11111111-1111-5111-8111-111111111111';
const SPEAKER = '22222222-2222-5222-8222-222222222222';

function item(over: Partial<WireItem> = {}): WireItem {
  return {
    uri: 'urn:test:item-1', version: 1, pubstatus: 'usable', firstcreated: '2019-06-04T15:02:00.000Z',
    versioncreated: '2019-06-04T15:02:00.000Z', headline: 'Kremlin contradicts Trump', byline: null, located: null,
    language: 'en', body_text: 'Peskov said no. Trump said yes.', ednote: null, subject: [], ...over,
  };
}

function stmt(id: string, content: string, over: Partial<ExtractedStatement> = {}): ExtractedStatement {
  return {
    statementId: id, source: { name: 'Dmitry Peskov', type: 'person', role: 'Kremlin spokesman', speakerId: SPEAKER },
    cue: 'said', content, kind: 'indirect', medium: null, via: [], saidAt: { from: '2019-06-03', to: '2019-06-03' },
    mentions: [{ start: 0, end: 16 }], relations: [], ...over,
  };
}

let position = 0;
/** Stored form of decided events, as the log would give them back. */
function stored(it: WireItem, statements: ExtractedStatement[]): StoredEvent[] {
  return recordItemEvents({ item: it, format: 'ninjs', storyId: STORY, extraction: { extractor: { name: 't', version: '1' }, statements }, correlationId: 'c' }).map(
    (e, i) => ({ ...e, streamPosition: i + 1, globalPosition: String(++position), transactionId: '1', recordedAt: `2019-06-04T16:00:0${i % 10}.000Z`, hash: GENESIS_HASH, prevHash: GENESIS_HASH }),
  );
}

const fold = (events: StoredEvent[], state: StoryTimeline = initialState(STORY)) => events.reduce(evolve, state);

const A = 'aaaaaaaa-aaaa-5aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-5bbb-8bbb-bbbbbbbbbbbb';

describe('timeline evolve', () => {
  it('given an item with two statements, when folded, then both are active in said_at order with incoming relations', () => {
    const s = fold(stored(item(), [
      stmt(A, 'no', { saidAt: { from: '2019-06-04', to: '2019-06-04' }, relations: [{ type: 'contradicts', target: B }] }),
      stmt(B, 'yes', { saidAt: { from: '2019-06-03', to: '2019-06-03' } }),
    ]));
    const lines = timelineEntries(s);
    expect(lines.map((l) => l.statementId)).toEqual([B, A]);
    expect(lines[0].incoming).toEqual([{ type: 'contradicts', source: A }]);
    expect(s.title).toBe('Kremlin contradicts Trump');
    expect(s.eventCount).toBe(3);
  });

  it('given a corrected version 2 that keeps one statement and drops another, then the kept one stays active with v2 data and the dropped one is superseded', () => {
    const v1 = stored(item(), [stmt(A, 'no'), stmt(B, 'yes')]);
    const v2 = stored(item({ version: 2, ednote: 'Corrects day' }), [stmt(A, 'no', { saidAt: { from: '2019-06-04', to: '2019-06-04' } })]);
    const s = fold([...v1, ...v2]);
    expect(s.statements[A].status).toBe('active');
    expect(s.statements[A].itemVersion).toBe(2);
    expect(s.statements[A].saidAt).toEqual({ from: '2019-06-04', to: '2019-06-04' });
    expect(s.statements[A].eventIds).toHaveLength(3); // recorded v1, superseded by v2 item, recorded v2
    expect(s.statements[B].status).toBe('superseded');
    expect(timelineEntries(s).map((l) => l.statementId)).toEqual([A]);
  });

  it('given a kill (pubstatus canceled), then every statement of the item is withdrawn and its history kept', () => {
    const s = fold([...stored(item(), [stmt(A, 'no'), stmt(B, 'yes')]), ...stored(item({ version: 2, pubstatus: 'canceled' }), [])]);
    expect(Object.values(s.statements).map((x) => x.status)).toEqual(['withdrawn', 'withdrawn']);
    expect(timelineEntries(s)).toEqual([]);
    expect(s.items['urn:test:item-1'].pubstatus).toBe('canceled');
  });

  it('given a lower version arriving after a higher one, then it is recorded as late and changes nothing', () => {
    const v2 = stored(item({ version: 2 }), [stmt(A, 'no')]);
    const v1 = stored(item({ version: 1 }), [stmt(A, 'no', { content: 'old words' }), stmt(B, 'yes')]);
    const s = fold([...v2, ...v1]);
    expect(s.items['urn:test:item-1'].version).toBe(2);
    expect(s.items['urn:test:item-1'].lateVersions).toEqual([1]);
    expect(s.statements[A].content).toBe('no');
    expect(s.statements[B].status).toBe('superseded');
    expect(timelineEntries(s).map((l) => l.statementId)).toEqual([A]);
  });

  it('given the same events, when folded twice from scratch, then the states are equal (replay = live)', () => {
    const events = [...stored(item(), [stmt(A, 'no'), stmt(B, 'yes')]), ...stored(item({ version: 2 }), [stmt(A, 'no')])];
    expect(fold(events)).toEqual(fold(events));
  });

  it('decides deterministic event ids: the item event id is UUID v5 of uri and version, on the story stream', () => {
    const [first] = stored(item(), []);
    expect(first.eventId).toBe(itemEventId('urn:test:item-1', 1));
    expect(first.streamId).toBe(storyStream(STORY));
  });
});

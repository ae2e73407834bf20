import { GENESIS_HASH, NewEvent, StoredEvent, validateNewEvent, WireItem } from '@timeline/events';
import type { ExtractedStatement } from '@timeline/extraction';
import { evolve, initialState, recordItemEvents, reextractEvents, StoryTimeline, timelineEntries, touchedStatements } from '@timeline/timeline';

const STORY = '11111111-1111-5111-8111-111111111111';
const SPEAKER = '22222222-2222-5222-8222-222222222222';
const A = 'aaaaaaaa-aaaa-5aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-5bbb-8bbb-bbbbbbbbbbbb';
const C = 'cccccccc-cccc-5ccc-8ccc-cccccccccccc';
const D = 'dddddddd-dddd-5ddd-8ddd-dddddddddddd';
const OLD = { name: 'timeline-rules', version: '0.3.0' };
const NEW = { name: 'timeline-rules', version: '0.4.0' };

const item: WireItem = {
  uri: 'urn:test:item-1', version: 1, pubstatus: 'usable', firstcreated: '2019-06-04T15:02:00.000Z',
  versioncreated: '2019-06-04T15:02:00.000Z', headline: 'Kremlin contradicts Trump', byline: null, located: null,
  language: 'en', body_text: 'Peskov said no. Trump said yes. He said maybe.', ednote: null, subject: [],
};

function stmt(id: string, content: string, over: Partial<ExtractedStatement> = {}): ExtractedStatement {
  return {
    statementId: id, source: { name: 'Dmitry Peskov', type: 'person', role: 'Kremlin spokesman', speakerId: SPEAKER },
    cue: 'said', content, kind: 'indirect', medium: null, via: [], saidAt: { from: '2019-06-03', to: '2019-06-03' },
    mentions: [{ start: 0, end: 16 }], relations: [], ...over,
  };
}

let position = 0;
function store(events: NewEvent[]): StoredEvent[] {
  return events.map((e) => ({ ...e, streamPosition: ++position, globalPosition: String(position), transactionId: '1', recordedAt: `2019-06-05T10:00:00.${String(position).padStart(3, '0')}Z`, hash: GENESIS_HASH, prevHash: GENESIS_HASH }));
}
const fold = (events: StoredEvent[], state: StoryTimeline) => events.reduce(evolve, state);

function ingested(): StoryTimeline {
  const events = recordItemEvents({ item, format: 'ninjs', storyId: STORY, extraction: { extractor: OLD, statements: [stmt(A, 'no'), stmt(B, 'yes'), stmt(C, 'maybe')] }, correlationId: 'c' });
  return fold(store(events), initialState(STORY));
}

const input = (state: StoryTimeline, statements: ExtractedStatement[], extractor = NEW) => ({
  storyId: STORY, itemUri: item.uri, itemVersion: 1, itemEventId: state.items[item.uri].eventId,
  current: Object.values(state.statements), extraction: { extractor, statements }, correlationId: 'reextract-test',
});

describe('reextractEvents', () => {
  it('given a new extraction that keeps A, changes B, drops C and finds D, then it records B and D, retracts C, and the timeline shows the new set', () => {
    const state = ingested();
    const out = reextractEvents(input(state, [stmt(A, 'no'), stmt(B, 'yes', { medium: 'briefing' }), stmt(D, 'maybe not')]));
    expect(out).toMatchObject({ added: [D], changed: [B], retired: [C], unchanged: 1 });
    expect(out.events.map((e) => e.type)).toEqual(['StatementRecorded', 'StatementRecorded', 'StatementRetracted']);
    for (const e of out.events) expect(() => validateNewEvent(e)).not.toThrow();
    expect(out.events[0].metadata).toMatchObject({ extractor: NEW, causationId: null, reextractOf: state.items[item.uri].eventId });

    const stored = store(out.events);
    const after = fold(stored, state);
    expect(touchedStatements(after, stored[2])).toEqual([C]);
    const lines = timelineEntries(after);
    expect(lines.map((l) => l.statementId).sort()).toEqual([A, B, D].sort());
    expect(after.statements[A].extractor).toEqual(OLD); // unchanged: keeps the extractor that found it
    expect(after.statements[B].extractor).toEqual(NEW);
    expect(after.statements[B].medium).toBe('briefing');
    expect(after.statements[D].extractor).toEqual(NEW);
    expect(after.statements[C].status).toBe('retracted');
    expect(after.statements[C].content).toBe('maybe'); // history kept
    expect(after.statements[C].eventIds).toContain(stored[2].eventId);
  });

  it('given the same extractor run again, then the ids are the same, and once folded it decides nothing', () => {
    const state = ingested();
    const next = [stmt(A, 'no'), stmt(B, 'yes', { medium: 'briefing' })];
    const first = reextractEvents(input(state, next));
    const again = reextractEvents(input(state, next));
    expect(again.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    const after = fold(store(first.events), state);
    const second = reextractEvents(input(after, next));
    expect(second.events).toEqual([]);
    expect(second).toMatchObject({ added: [], changed: [], retired: [], unchanged: 2 });
  });

  it('given another extractor version with the same output as the timeline, then it appends nothing; with a different output, other event ids', () => {
    const state = ingested();
    expect(reextractEvents(input(state, [stmt(A, 'no'), stmt(B, 'yes'), stmt(C, 'maybe')])).events).toEqual([]);
    const v4 = reextractEvents(input(state, [stmt(A, 'no')]));
    const v5 = reextractEvents(input(state, [stmt(A, 'no')], { name: 'timeline-rules', version: '0.5.0' }));
    expect(v4.retired).toEqual([B, C]);
    expect(v5.events.map((e) => e.eventId)).not.toEqual(v4.events.map((e) => e.eventId));
  });

  it('given a retracted statement found again by a later extractor, then it is active again', () => {
    const state = ingested();
    const dropped = fold(store(reextractEvents(input(state, [stmt(A, 'no'), stmt(B, 'yes')])).events), state);
    expect(dropped.statements[C].status).toBe('retracted');
    const back = reextractEvents(input(dropped, [stmt(A, 'no'), stmt(B, 'yes'), stmt(C, 'maybe')], { name: 'timeline-rules', version: '0.5.0' }));
    expect(back).toMatchObject({ added: [C], changed: [], retired: [] });
    const after = fold(store(back.events), dropped);
    expect(after.statements[C].status).toBe('active');
  });

  it('a retraction of an older item version changes nothing once a newer version recorded the statement', () => {
    const state = ingested();
    const stale = reextractEvents(input(state, [stmt(A, 'no'), stmt(B, 'yes')])).events; // retracts C of v1
    const v2 = recordItemEvents({ item: { ...item, version: 2 }, format: 'ninjs', storyId: STORY, extraction: { extractor: OLD, statements: [stmt(C, 'maybe')] }, correlationId: 'c' });
    const after = fold(store([...v2, ...stale]), state);
    expect(after.statements[C]).toMatchObject({ status: 'active', itemVersion: 2 });
  });
});

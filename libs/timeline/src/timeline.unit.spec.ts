import { itemEventId, StoredEvent, storyStream, WireItem, GENESIS_HASH } from '@timeline/events';
import type { ExtractedStatement } from '@timeline/extraction';
import { evolve, evolveStories, initialState, recordItemEvents, resolveStory, StoryTimeline, timelineEntries } from '@timeline/timeline';

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

  it('the story title is the opener\'s whatever the append order (a redelivered opener landed after a later item and the title differed between runs)', () => {
    const withTitle = (it: WireItem, storyTitle?: string) =>
      recordItemEvents({ item: it, format: 'ninjs', storyId: STORY, storyTitle, extraction: { extractor: { name: 't', version: '1' }, statements: [] }, correlationId: 'c' }).map(
        (e, i) => ({ ...e, streamPosition: i + 1, globalPosition: String(++position), transactionId: '1', recordedAt: '2019-06-04T16:00:00.000Z', hash: GENESIS_HASH, prevHash: GENESIS_HASH }) as StoredEvent,
      );
    const opener = withTitle(item({ uri: 'urn:test:opener', headline: 'Opener headline (1)' }), 'Opener headline (1)');
    const later = withTitle(item({ uri: 'urn:test:later', headline: 'Later headline (2)' }));
    expect(fold([...opener, ...later]).title).toBe('Opener headline (1)');
    expect(fold([...later, ...opener]).title).toBe('Opener headline (1)');
    expect(fold(later).title).toBe('Later headline (2)'); // no opener seen yet: the first headline
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

describe('evolveStories (merges)', () => {
  const SURVIVOR = STORY;
  const MERGED = '33333333-3333-5333-8333-333333333333';
  const onStory = (events: StoredEvent[], storyId: string): StoredEvent[] =>
    events.map((e) => ({ ...e, streamId: storyStream(storyId), data: { ...(e.data as object), storyId } }) as StoredEvent);
  const merge = (streamStory: string): StoredEvent =>
    ({
      eventId: `m-${streamStory}`, streamId: storyStream(streamStory), schemaVersion: 1, type: 'StoriesMerged', metadata: { correlationId: 'c', causationId: null },
      data: { storyId: streamStory, survivorStoryId: SURVIVOR, mergedStoryIds: [MERGED], itemUri: 'urn:bridge', itemVersion: 1, reason: 'bridging-item', evidence: [], extractor: { name: 't', version: '1' } },
      streamPosition: 9, globalPosition: String(++position), transactionId: '1', recordedAt: '2019-06-05T10:00:00.000Z', hash: GENESIS_HASH, prevHash: GENESIS_HASH,
    }) as StoredEvent;

  it('given a merge, when folded, then the survivor holds both stories\' statements under its id and a later event of the merged story lands on the survivor, counted on its own story', () => {
    const states = new Map<string, StoryTimeline>();
    for (const e of onStory(stored(item({ uri: 'urn:s' }), [stmt(A, 'survivor says')]), SURVIVOR)) evolveStories(states, e);
    for (const e of onStory(stored(item({ uri: 'urn:m' }), [stmt(B, 'merged says')]), MERGED)) evolveStories(states, e);
    const r = evolveStories(states, merge(SURVIVOR));
    expect(r.touched).toEqual([B]);
    evolveStories(states, merge(MERGED));
    const s = states.get(SURVIVOR)!;
    expect(timelineEntries(s).map((x) => [x.statementId, x.storyId])).toEqual([[B, SURVIVOR], [A, SURVIVOR]]); // one timeline: same said_at, then item uri order
    expect(s.statements[B].eventIds.at(-1)).toBe(`m-${SURVIVOR}`);
    expect(states.get(MERGED)).toMatchObject({ mergedInto: SURVIVOR, statements: {}, items: {} });
    // a second version of the merged story's item, recorded on its old stream by an ingest that had not seen the merge
    const late = onStory(stored(item({ uri: 'urn:m', version: 2 }), []), MERGED);
    const before = { s: s.eventCount, m: states.get(MERGED)!.eventCount };
    expect(evolveStories(states, late[0]).storyId).toBe(SURVIVOR);
    expect(s.statements[B].status).toBe('superseded');
    expect([s.eventCount, states.get(MERGED)!.eventCount]).toEqual([before.s, before.m + 1]);
  });

  describe('stale merges (ingest decided from an index that had not seen an earlier merge)', () => {
    const X = '44444444-4444-5444-8444-444444444444';
    const C = '55555555-5555-5555-8555-555555555555';
    const mergeOf = (survivor: string, merged: string[]): StoredEvent[] =>
      [survivor, ...merged].map((streamStory) => ({
        eventId: `m-${survivor}-${merged.join()}-${streamStory}`, streamId: storyStream(streamStory), schemaVersion: 1, type: 'StoriesMerged', metadata: { correlationId: 'c', causationId: null },
        data: { storyId: streamStory, survivorStoryId: survivor, mergedStoryIds: merged, itemUri: 'urn:bridge', itemVersion: 1, reason: 'bridging-item', evidence: [], extractor: { name: 't', version: '1' } },
        streamPosition: 9, globalPosition: String(++position), transactionId: '1', recordedAt: '2019-06-05T10:00:00.000Z', hash: GENESIS_HASH, prevHash: GENESIS_HASH,
      }) as StoredEvent);
    /** Three stories with one statement each: SURVIVOR (A), MERGED (B), X or C (its own id). */
    const threeStories = (third: string, thirdStatement: string) => {
      const states = new Map<string, StoryTimeline>();
      for (const e of onStory(stored(item({ uri: 'urn:s' }), [stmt(A, 'survivor says')]), SURVIVOR)) evolveStories(states, e);
      for (const e of onStory(stored(item({ uri: 'urn:m' }), [stmt(B, 'merged says')]), MERGED)) evolveStories(states, e);
      for (const e of onStory(stored(item({ uri: 'urn:third' }), [stmt(thirdStatement, 'third says')]), third)) evolveStories(states, e);
      return states;
    };
    const fold2 = (states: Map<string, StoryTimeline>, events: StoredEvent[]) => events.map((e) => evolveStories(states, e));
    const T = '66666666-6666-5666-8666-666666666666';

    it('a stale merge of X into an already merged story folds X into that story\'s survivor (no orphaned statements)', () => {
      const states = threeStories(X, T);
      fold2(states, mergeOf(SURVIVOR, [MERGED]));
      const [r] = fold2(states, mergeOf(MERGED, [X])); // decided by an ingest that still saw MERGED as a story
      expect(r.storyId).toBe(SURVIVOR);
      expect(r.merged).toEqual([X]);
      expect(Object.keys(states.get(SURVIVOR)!.statements).sort()).toEqual([A, B, T].sort());
      expect(states.get(MERGED)!.statements).toEqual({});
      expect(states.get(X)).toMatchObject({ mergedInto: SURVIVOR, statements: {} });
      expect(states.get(MERGED)!.mergedInto).toBe(SURVIVOR); // never overwritten
    });

    it('a stale merge of an already merged story into another story merges its survivor, never redirects it away from its statements', () => {
      const states = threeStories(C, T);
      fold2(states, mergeOf(SURVIVOR, [MERGED]));
      fold2(states, mergeOf(C, [MERGED])); // MERGED already lives in SURVIVOR: C and SURVIVOR are one story
      expect(states.get(MERGED)!.mergedInto).toBe(SURVIVOR);
      expect(states.get(SURVIVOR)!.mergedInto).toBe(C);
      expect(Object.keys(states.get(C)!.statements).sort()).toEqual([A, B, T].sort());
      expect(timelineEntries(states.get(C)!).every((x) => x.storyId === C)).toBe(true);
    });

    it('a reverse merge (A absorbs B, then B absorbs A) changes nothing: no cycle, no story vanishes', () => {
      const states = threeStories(C, T);
      fold2(states, mergeOf(SURVIVOR, [MERGED]));
      const [r] = fold2(states, mergeOf(MERGED, [SURVIVOR]));
      expect(r.merged).toEqual([]);
      expect(states.get(SURVIVOR)!.mergedInto).toBeUndefined();
      expect(states.get(MERGED)!.mergedInto).toBe(SURVIVOR);
      expect(Object.keys(states.get(SURVIVOR)!.statements).sort()).toEqual([A, B].sort());
      expect(resolveStory(states, MERGED)).toBe(SURVIVOR);
      expect(resolveStory(states, SURVIVOR)).toBe(SURVIVOR);
    });

    it('a merge naming the survivor itself, or the same story twice through its survivor, is no self-merge', () => {
      const states = threeStories(X, T);
      fold2(states, mergeOf(SURVIVOR, [MERGED]));
      const [r] = fold2(states, mergeOf(SURVIVOR, [MERGED, X]));
      expect(r.merged).toEqual([X]);
      expect(states.get(SURVIVOR)!.mergedInto).toBeUndefined();
      expect(states.get(SURVIVOR)!.merges!.map((m) => m.mergedStoryIds)).toEqual([[MERGED], [X]]);
    });
  });
});

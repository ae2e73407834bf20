import { chainHash, GENESIS_HASH, StoredEvent, storyStream } from '@timeline/events';
import { evolveStories, StoryTimeline } from '@timeline/timeline';
import { id, late, log, M, mergeEnd, S, streamOf } from '../../../test/support/merge-family';
import {
  buildBundle, diffTimeline, familyEvents, linkedFamily, positionBound, RawStoredEvent, readRawEvent, readStoryFamily, ReplayBound, replayFamily, replayStory, statementHistory, timelineDigest, verifyBundle,
} from './index';

/**
 * As-of replay, diff and history of a merge family: the same fold as the
 * projector (evolveStories over every member's stream in global-position
 * order), so a late event of a merged stream lands where the projector put it.
 */
const streams = new Map([[S, streamOf(S)], [M, streamOf(M)]]);

/** The projector's fold: every event of the log in order, with evolveStories. */
function projector(events: readonly StoredEvent[]): Map<string, StoryTimeline> {
  const states = new Map<string, StoryTimeline>();
  for (const e of events) evolveStories(states, e);
  return states;
}

describe('merge family replay', () => {
  it('reads the whole family from either member (every id a StoriesMerged names)', async () => {
    const read = async (story: string) => streamOf(story);
    expect([...(await readStoryFamily(S, read)).keys()]).toEqual([S, M]);
    expect([...(await readStoryFamily(M, read)).keys()]).toEqual([M, S]);
  });

  it('linkedFamily walks streams already read as readStoryFamily reads them (same members, same order), cut at a bound too', async () => {
    const read = async (story: string) => streamOf(story);
    for (const story of [S, M]) expect(linkedFamily(story, streams)).toEqual(await readStoryFamily(story, read));
    const cut = new Map([...streams].map(([k, v]) => [k, familyEvents(new Map([[k, v]]), positionBound('102'))]));
    expect(linkedFamily(S, cut)).toEqual(await readStoryFamily(S, async (story) => cut.get(story) ?? []));
  });

  it('as-of replay at the head equals the live projection, with a late event on the merged stream after the merge', () => {
    const live = projector(log);
    const r = replayFamily(S, streams);
    expect(r.state).toEqual(live.get(S));
    expect(replayFamily(M, streams).state).toEqual(live.get(M));
    expect(r.state.statements[id(3)].status).toBe('superseded'); // the late version, applied on the survivor
    expect(r.entries.map((e) => e.statementId).sort()).toEqual([id(1), id(2), id(4)].sort());
    expect(r.reflects).toMatchObject({ globalPosition: log.at(-1)!.globalPosition, recordedAt: log.at(-1)!.recordedAt, streamPosition: streamOf(S).length, eventCount: streamOf(S).length });
  });

  it('a late event on a merged stream is folded at its own position, not at the merge (as-of before it does not show it)', () => {
    const atMerge = replayFamily(S, streams, positionBound(mergeEnd));
    expect(atMerge.state.statements[id(3)].status).toBe('active');
    expect(atMerge.reflects.globalPosition).toBe(mergeEnd);
    const justBefore = replayFamily(S, streams, positionBound(String(BigInt(late.globalPosition) - 1n)));
    expect(justBefore.state.statements[id(3)].status).toBe('active');
    const atLate = replayFamily(S, streams, positionBound(late.globalPosition));
    expect(atLate.state.statements[id(3)].status).toBe('superseded');
    expect(atLate.reflects).toMatchObject({ globalPosition: late.globalPosition, recordedAt: late.recordedAt });
    expect(atLate.state).toEqual(projector(log.filter((e) => BigInt(e.globalPosition) <= BigInt(late.globalPosition))).get(S));
  });

  it('the merged story as of after the merge names its survivor; before it, it answers alone', () => {
    expect(replayFamily(M, streams).survivor).toBe(S);
    const before = replayFamily(M, streams, positionBound(String(BigInt(mergeEnd) - 2n)));
    expect(before.survivor).toBeNull();
    expect(before.entries.map((e) => e.statementId).sort()).toEqual([id(2), id(3)]);
  });

  it('diff with the merge before `from` still sees the merged stream\'s events between from and to', () => {
    const d = diffTimeline(S, streams, positionBound(mergeEnd), { kind: 'head' });
    expect(d.removed.map((x) => [x.statementId, x.after?.status])).toEqual([[id(3), 'superseded']]);
    expect(d.removed[0].events.map((e) => e.eventId)).toContain(late.eventId);
    expect(d.from).toEqual(replayFamily(S, streams, positionBound(mergeEnd)).reflects);
    expect(d.to.globalPosition).toBe(log.at(-1)!.globalPosition);
  });

  it('diff across the merge adds the merged statements (both ends are the as-of answers)', () => {
    const d = diffTimeline(S, streams, positionBound('102'), positionBound(mergeEnd));
    expect(d.added.map((x) => x.statementId).sort()).toEqual([id(2), id(3)]);
    expect(d.removed).toEqual([]);
  });

  it('a statement\'s history over the family follows it into the survivor and sees the late version', () => {
    const h = statementHistory(S, id(3), familyEvents(streams))!;
    expect(h.storyId).toBe(S);
    expect(h.events.map((e) => e.kind)).toEqual(['recorded', 'merged', 'superseded']);
  });

  it('a story never merged replays the same with replayFamily and replayStory', () => {
    const alone = new Map([[S, streamOf(S).filter((e) => BigInt(e.globalPosition) < 103n)]]);
    expect(replayFamily(S, alone).state).toEqual(replayStory(S, alone.get(S)!).state);
  });
});

/** A family member's stream as the log stores it: chained from the genesis hash, raw (JSON round trip). */
function chained(story: string): RawStoredEvent[] {
  let prev = GENESIS_HASH;
  return streamOf(story).map((e) => {
    const hash = chainHash(prev, e);
    const { eventId, streamId, streamPosition, globalPosition, transactionId, type, schemaVersion, data, metadata, recordedAt } = e;
    const row = { eventId, streamId, streamPosition, globalPosition, transactionId, type, schemaVersion, data, metadata, recordedAt, prevHash: prev, hash };
    prev = hash;
    return JSON.parse(JSON.stringify(row)) as RawStoredEvent;
  });
}

describe('audit bundle of a merge family', () => {
  const member = (story: string) => {
    const events = chained(story);
    return { storyId: story, streamId: storyStream(story), events, sealedHead: { position: events.length, hash: events.at(-1)!.hash } };
  };
  const bundle = (story: string, bound: ReplayBound) =>
    buildBundle({ storyId: story, streams: story === S ? [member(S), member(M)] : [member(M), member(S)], bound, exportedAt: '2026-01-01T00:00:00.000Z' });
  const parsed = (story: string, bound: ReplayBound = { kind: 'head' }) => bundle(story, bound).lines.map((l) => JSON.parse(l));
  const check = (lines: any[]) => verifyBundle(lines.map((l) => JSON.stringify(l)).join('\n'));

  it('a survivor\'s bundle reproduces its as-of timeline with the merged story\'s statements (it held the survivor\'s stream alone, without them)', () => {
    for (const bound of [{ kind: 'head' } as const, positionBound(mergeEnd), positionBound(late.globalPosition), positionBound('102')]) {
      const b = bundle(S, bound);
      expect(b.manifest.streams.map((x) => x.streamId)).toEqual([storyStream(S), storyStream(M)]);
      const r = verifyBundle(b.lines.join('\n'));
      expect(r.problems).toEqual([]);
      expect(r.replay!.entries).toEqual(replayFamily(S, streams, bound).entries);
    }
    const atHead = verifyBundle(bundle(S, { kind: 'head' }).lines.join('\n'));
    expect(atHead.replay!.entries.map((e) => e.statementId).sort()).toEqual([id(1), id(2), id(4)].sort()); // id(2) came from M's stream
  });

  it('a merged story\'s bundle names its survivor and verifies', () => {
    const b = bundle(M, { kind: 'head' });
    expect(b.manifest.timeline.survivor).toBe(S);
    expect(verifyBundle(b.lines.join('\n')).problems).toEqual([]);
    expect(bundle(M, positionBound('102')).manifest.timeline.survivor).toBeNull();
  });

  it('an edited event on the merged stream is named by stream and position', () => {
    const lines = parsed(S);
    const k = lines.findIndex((l) => l.kind === 'event' && l.streamId === storyStream(M) && l.type === 'StatementRecorded');
    lines[k].data.content = 'forged words';
    const r = check(lines);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ streamId: storyStream(M), streamPosition: lines[k].streamPosition, message: expect.stringMatching(/hash differs/) });
  });

  it('a member stream left out of the bundle, or a stream the manifest does not list, fails', () => {
    const lines = parsed(S);
    const without = check(lines.filter((l) => l.kind === 'manifest' || l.streamId !== storyStream(M)));
    expect(without.ok).toBe(false);
    expect(without.problems.map((p) => p.message).join('\n')).toMatch(new RegExp(`manifest says \\d+ events of ${storyStream(M)}, the bundle holds 0`));
    const stranger = { ...lines[1], streamId: 'story-33333333-3333-5333-8333-333333333333' };
    expect(check([...lines, stranger]).problems[0].message).toMatch(/which the manifest does not list/);
  });
  /**
   * A tamperer who rewrites the manifest to agree with the lines: each
   * stream's count and last hash, the total, and the timeline the lines
   * replay to (as the verifier before these checks replayed them). The sealed
   * heads kept are the true ones, so only the checks on the lines' structure
   * can catch it.
   */
  const forge = (lines: any[]) => {
    const [m, ...rest] = lines;
    const streams = m.streams.map((s: any) => {
      const own = rest.filter((l) => l.kind === 'event' && l.streamId === s.streamId);
      return { ...s, events: own.length, lastHash: own.at(-1)?.hash ?? GENESIS_HASH };
    });
    const family = new Map(streams.map((s: any) => [s.storyId, rest.filter((l) => l.kind === 'event' && l.streamId === s.streamId).map(readRawEvent)]));
    const replay = replayFamily(m.storyId, family as any);
    const events = streams.reduce((n: number, s: any) => n + s.events, 0);
    return [{ ...m, streams, events, timeline: { ...m.timeline, statements: replay.entries.length, digest: timelineDigest(replay) } }, ...rest];
  };
  const messages = (lines: any[]) => check(lines).problems.map((p) => p.message).join('\n');

  it('regression: a manifest listing a stream twice verified (the second entry replaced the first)', () => {
    const lines = parsed(S);
    lines[0].streams.push(lines[0].streams[1]);
    expect(messages(lines)).toMatch(new RegExp(`manifest\\.streams\\[2\\]: stream ${storyStream(M)} is listed twice`));
  });

  it("regression: a bundle without the story's own stream verified, as an empty timeline of the story", () => {
    const lines = parsed(S);
    const forged = forge([{ ...lines[0], streams: lines[0].streams.slice(1) }, ...lines.slice(1).filter((l) => l.streamId !== storyStream(S))]);
    expect(messages(forged)).toMatch(new RegExp(`manifest\\.streams\\[0\\] must be story ${S}'s own stream`));
  });

  it("regression: a stream listed under another story's id verified (the story replayed from the other stream's events)", () => {
    const lines = parsed(S);
    const forged = forge([{ ...lines[0], streams: [{ ...lines[0].streams[1], storyId: S }] }, ...lines.slice(1).filter((l) => l.streamId === storyStream(M))]);
    expect(messages(forged)).toMatch(new RegExp(`stream ${storyStream(M)} is not story ${S}'s`));
  });

  it('regression: a family member left out of the manifest and the lines verified (the survivor lost its absorbed statements)', () => {
    const lines = parsed(S);
    const forged = forge([{ ...lines[0], streams: lines[0].streams.slice(0, 1) }, ...lines.slice(1).filter((l) => l.streamId !== storyStream(M))]);
    expect(forged[0].timeline.statements).toBeLessThan(lines[0].timeline.statements);
    expect(messages(forged)).toMatch(new RegExp(`story ${M} is named by a StoriesMerged in the bundle, but its stream ${storyStream(M)} is not`));
  });

  it('regression: global positions (not hashed) edited to move a late event of the merged stream before the merge verified', () => {
    const lines = parsed(S);
    const k = lines.findIndex((l) => l.kind === 'event' && l.globalPosition === late.globalPosition);
    lines[k].globalPosition = '100';
    const forged = forge(lines);
    expect(forged[0].timeline.digest).not.toBe(parsed(S)[0].timeline.digest); // the replay order, and so the timeline, changed
    expect(messages(forged)).toMatch(/global position 100 is not after \d+, the one before it on .*: events reordered/);
    const sLast = lines.filter((l) => l.kind === 'event' && l.streamId === storyStream(S)).at(-1).globalPosition; // after the merge marker, before the late event
    lines[k].globalPosition = sLast;
    expect(messages(forge(lines))).toMatch(new RegExp(`global position ${sLast} occurs twice in the bundle`));
    lines[k].globalPosition = '0' + late.globalPosition;
    expect(messages(forge(lines))).toMatch(/global position "0\d+" is not a decimal string/);
  });

  it("regression: manifest.events (all streams) was never checked", () => {
    const lines = parsed(S);
    lines[0].events += 1;
    expect(messages(lines)).toMatch(/manifest\.events is \d+, its streams hold \d+/);
  });
  it("regression: a bundle cut between the survivor's StoriesMerged and the merged stream's marker, or before any merge, replayed the family at head, not the API's family at the bound", () => {
    const beforeMarker = positionBound(String(BigInt(mergeEnd) - 1n)); // the survivor's StoriesMerged is in, M's marker is not
    const m = verifyBundle(bundle(M, beforeMarker).lines.join('\n'));
    expect(m.problems).toEqual([]);
    const api = replayStory(M, streamOf(M), beforeMarker); // M's stream has no merge by then: the API replays it alone (200)
    expect(bundle(M, beforeMarker).manifest.timeline.survivor).toBeNull();
    expect(m.replay!.entries).toEqual(api.entries);
    expect(m.replay!.reflects).toEqual(api.reflects);
    const early = positionBound(streamOf(M)[0].globalPosition); // M's first event, after S's first item: no merge yet
    const s = verifyBundle(bundle(S, early).lines.join('\n'));
    expect(s.replay!.reflects).toEqual(replayStory(S, streamOf(S), early).reflects);
  });
});

import { NewEvent, StoredEvent, storyStream, WireItem, GENESIS_HASH } from '@timeline/events';
import type { ExtractedStatement } from '@timeline/extraction';
import { recordItemEvents } from '@timeline/timeline';

/**
 * A generated merge family for audit tests: stories S and M, then a
 * bridging item merges M into S, then a second version of M's item arrives
 * on M's stream (an ingest that had not seen the merge) and drops statement
 * 3: a late event on the merged stream. Stored as the writer would (global
 * positions from 101 in order, stream positions per stream, one minute apart).
 */
export const S = '11111111-1111-5111-8111-111111111111';
export const M = '22222222-2222-5222-8222-222222222222';
const SPEAKER = '99999999-9999-5999-8999-999999999999';
/** Statement id number n. */
export const id = (n: number) => `aaaaaaaa-aaaa-5aaa-8aaa-${String(n).padStart(12, '0')}`;

function item(uri: string, version: number, day: string): WireItem {
  const at = `${day}T09:00:00.000Z`;
  return {
    uri, version, pubstatus: 'usable', firstcreated: at, versioncreated: at, headline: `${uri} v${version}`, byline: null, located: null,
    language: 'en', body_text: 'x', ednote: null, subject: [],
  };
}
function stmt(n: number, day: string): ExtractedStatement {
  return {
    statementId: id(n), source: { name: 'Maren Lind', type: 'person', role: null, speakerId: SPEAKER }, cue: 'said', content: `statement ${n}`,
    kind: 'indirect', medium: null, via: [], saidAt: { from: day, to: day }, mentions: [{ start: 0, end: 1 }], relations: [],
  };
}
const extraction = (statements: ExtractedStatement[]) => ({ extractor: { name: 't', version: '1' }, statements });

function store(messages: NewEvent[][]): StoredEvent[] {
  const streamPos = new Map<string, number>();
  let g = 100;
  const t0 = Date.parse('2025-03-04T12:00:00Z');
  return messages.flatMap((m, tx) =>
    m.map((e) => {
      const p = (streamPos.get(e.streamId) ?? 0) + 1;
      streamPos.set(e.streamId, p);
      g++;
      return { ...e, streamPosition: p, globalPosition: String(g), transactionId: String(tx + 1), recordedAt: new Date(t0 + (g - 100) * 60_000).toISOString(), hash: GENESIS_HASH, prevHash: GENESIS_HASH } as StoredEvent;
    }),
  );
}

/** The family's messages (one append each), in log order. */
export const messages: NewEvent[][] = [
  recordItemEvents({ item: item('urn:s', 1, '2025-03-03'), format: 'ninjs', storyId: S, extraction: extraction([stmt(1, '2025-03-03')]), correlationId: 'c' }),
  recordItemEvents({ item: item('urn:m', 1, '2025-03-03'), format: 'ninjs', storyId: M, extraction: extraction([stmt(2, '2025-03-03'), stmt(3, '2025-03-03')]), correlationId: 'c' }),
  recordItemEvents({
    item: item('urn:bridge', 1, '2025-03-04'), format: 'ninjs', storyId: S, extraction: extraction([stmt(4, '2025-03-04')]), correlationId: 'c',
    merge: { survivorStoryId: S, mergedStoryIds: [M], evidence: [] },
  }),
  recordItemEvents({ item: item('urn:m', 2, '2025-03-03'), format: 'ninjs', storyId: M, extraction: extraction([stmt(2, '2025-03-03')]), correlationId: 'c' }),
];
/** The whole log, in global-position order. */
export const log: StoredEvent[] = store(messages);
/** One story's stream, in stream-position order. */
export const streamOf = (story: string): StoredEvent[] => log.filter((e) => e.streamId === storyStream(story));
/** Global position of the merge's last event (the marker on M's stream). */
export const mergeEnd = log.filter((e) => e.type === 'StoriesMerged').at(-1)!.globalPosition;
/** The late item event on M's stream, after the merge. */
export const late = log.find((e) => e.type === 'WireItemRecorded' && (e.data as { item: WireItem }).item.version === 2)!;

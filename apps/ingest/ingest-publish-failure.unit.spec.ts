import type { NewEvent } from '@timeline/events';

jest.mock('@nats-io/jetstream', () => ({ jetstream: () => ({}) }));
const publish = jest.fn();
jest.mock('@timeline/messaging', () => ({ publishToJetStream: (...args: unknown[]) => publish(...args) }));

import { IngestDeps, IngestService } from './ingest.service';

const ninjs = (uri: string, at: string, headline: string, body: string) => ({
  uri, type: 'text', version: '1', pubstatus: 'usable', firstcreated: at, versioncreated: at, headline, language: 'en', body_text: body,
});
// Two threads of one story, then an item that bridges them (as in test/story-merge.int.spec.ts).
const union = ninjs(
  'urn:test:merge:union', '2025-03-04T09:00:00Z', 'Harbourton dockworkers walk out',
  'Maren Lind of the Dockworkers Union said on Monday the Harbourton walkout would go on.\n\n"We will stay out until the offer is fair," Lind said at Harbourton quay.',
);
const authority = ninjs(
  'urn:test:merge:authority', '2025-03-04T11:00:00Z', 'Ostrand Port Authority shuts terminals',
  'Tobias Renn of the Ostrand Port Authority said on Tuesday the Ostrand terminals were shut.\n\n"The terminals stay closed for now," Renn said at Ostrand.',
);
const bridge = ninjs(
  'urn:test:merge:bridge', '2025-03-05T10:00:00Z', 'Harbourton strike: Lind and Renn meet',
  'Maren Lind of the Dockworkers Union met Tobias Renn of the Ostrand Port Authority on Wednesday over the Harbourton walkout and the Ostrand terminals.\n\n"We talked for an hour," Renn said.',
);

function service(): IngestService {
  const deps = {
    cfg: { itemsSubject: 'items', itemMaxBytes: 1_000_000 },
    nc: { info: { max_payload: 1_048_576 } },
    queries: {
      recordedItem: async () => null,
      storyOfItem: async () => null,
      storySignaturesSince: async () => [],
      storyStatements: async () => [],
    },
  } as unknown as IngestDeps;
  return new IngestService(deps);
}

describe('ingest: a publish that fails leaves no merge behind', () => {
  beforeEach(() => publish.mockReset());

  it('a failed publish undoes the merge and the item uri in the story index; the retry publishes the item with its StoriesMerged', async () => {
    publish.mockResolvedValue({ duplicate: false });
    const svc = service();
    const a = await svc.ingestNinjs(union, 'c1');
    const b = await svc.ingestNinjs(authority, 'c2');
    expect(b.storyId).not.toBe(a.storyId);

    publish.mockRejectedValueOnce(new Error('broker down'));
    await expect(svc.ingestNinjs(bridge, 'c3')).rejects.toThrow('broker down');
    expect((publish.mock.calls[2][2] as { events: NewEvent[] }).events[0].type).toBe('StoriesMerged');
    const index = (svc as unknown as { stories: { survivorOf(id: string): string; storyOfUri(uri: string): string | null; get(id: string): unknown } }).stories;
    expect(index.survivorOf(b.storyId)).toBe(b.storyId); // not merged: the merge was never published
    expect(index.get(b.storyId)).toBeDefined();
    expect(index.storyOfUri(bridge.uri)).toBeNull();
    expect(index.storyOfUri(authority.uri)).toBe(b.storyId);

    const retry = await svc.ingestNinjs(bridge, 'c4');
    expect(retry).toMatchObject({ storyId: a.storyId, mergedStoryIds: [b.storyId] });
    const events = (publish.mock.calls[3][2] as { events: NewEvent[] }).events;
    expect(events.filter((e) => e.type === 'StoriesMerged').map((e) => e.streamId)).toEqual([`story-${a.storyId}`, `story-${b.storyId}`]);
    expect(index.survivorOf(b.storyId)).toBe(a.storyId);
  });
});

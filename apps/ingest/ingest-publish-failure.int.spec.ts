import { randomBytes } from 'node:crypto';
import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { TimelineConfig } from '@timeline/config';
import { createTestSchema, TestSchema } from '@timeline/event-log';
import type { NewEvent } from '@timeline/events';
import { connectNats } from '@timeline/messaging';
import { ReadModelQueries } from '@timeline/read-model';
import { ALL_MIGRATIONS } from '@timeline/runtime';
import { IngestService } from './ingest.service';
import { authority, bridge, union } from '../../test/support/merge-items';

/**
 * A publish that fails (here for real: JetStream has no stream on the
 * subject, so the broker answers "no responders") must leave ingest's story
 * index as it was: no merge and no item uri recorded that the log never got.
 */

describe('ingest: a publish that fails leaves no merge behind (real NATS and Postgres)', () => {
  let db: TestSchema;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const key = `T_${randomBytes(4).toString('hex')}`;
  const subject = `${key.toLowerCase()}.items`;

  beforeAll(async () => {
    db = await createTestSchema({ migrations: ALL_MIGRATIONS });
    nc = await connectNats({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await jsm?.streams.delete(key).catch(() => undefined);
    await nc?.drain();
    await db?.drop();
  });

  it('a failed publish undoes the merge and the item uri in the story index; the retry publishes the item with its StoriesMerged', async () => {
    await jsm.streams.add({ name: key, subjects: [subject] });
    const cfg = { itemsSubject: subject, itemMaxBytes: 1_000_000 } as TimelineConfig;
    const svc = new IngestService({ cfg, nc, queries: new ReadModelQueries(db.pool, db.schema) });
    const a = await svc.ingestNinjs(union, 'c1');
    const b = await svc.ingestNinjs(authority, 'c2');
    expect(b.storyId).not.toBe(a.storyId);

    await jsm.streams.delete(key); // the broker loses the stream: the next publish fails
    await expect(svc.ingestNinjs(bridge, 'c3')).rejects.toThrow();
    const index = (svc as unknown as { stories: { survivorOf(id: string): string; storyOfUri(uri: string): string | null; get(id: string): unknown } }).stories;
    expect(index.survivorOf(b.storyId)).toBe(b.storyId); // not merged: the merge was never published
    expect(index.get(b.storyId)).toBeDefined();
    expect(index.storyOfUri(bridge.uri)).toBeNull();
    expect(index.storyOfUri(authority.uri)).toBe(b.storyId);

    await jsm.streams.add({ name: key, subjects: [subject] });
    const retry = await svc.ingestNinjs(bridge, 'c4');
    expect(retry).toMatchObject({ storyId: a.storyId, mergedStoryIds: [b.storyId] });
    const msg = await jsm.streams.getMessage(key, { seq: 1 });
    const events = (msg!.json() as { events: NewEvent[] }).events;
    expect(events.filter((e) => e.type === 'StoriesMerged').map((e) => e.streamId)).toEqual([`story-${a.storyId}`, `story-${b.storyId}`]);
    expect(index.survivorOf(b.storyId)).toBe(a.storyId);
  }, 30_000);
});

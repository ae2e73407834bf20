import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@timeline/events';
import { deterministicId, storyStream } from '@timeline/events';
import { extract } from '@timeline/extraction';
import { finishItem, normalizeNinjs } from '@timeline/feeds';
import { recordItemEvents } from '@timeline/timeline';
import { generateItems } from './items';

/**
 * Real event payloads: generated items run through the extractor and
 * `recordItemEvents`, exactly as ingest decides them (one WireItemRecorded
 * followed by its StatementRecorded events per item).
 */
export function realEvents(items = 60): NewEvent[] {
  const stories = 6;
  const raw = generateItems({ runKey: 'payload', stories, itemsPerStory: Math.ceil(items / stories), dayOffset: 0 });
  const out: NewEvent[] = [];
  for (const r of raw) {
    const item = finishItem({ ...normalizeNinjs(r) });
    const storyId = deterministicId('bench-story', r.uri.split(':')[3]);
    out.push(...recordItemEvents({ item, format: 'ninjs', storyId, extraction: extract(item), correlationId: 'bench' }));
  }
  return out;
}

/**
 * `count` events cut from `pool` (cycled), re-identified with fresh event ids
 * and put on `streams` fresh streams, in batches of `batch` events that each
 * go to ONE stream (batch b to stream b % streams), as Emmett's
 * appendToStream requires.
 */
export function freshBatches(pool: readonly NewEvent[], count: number, batch: number, streams: number): Array<{ streamId: string; events: NewEvent[] }> {
  const ids = Array.from({ length: streams }, () => storyStream(randomUUID()));
  const out: Array<{ streamId: string; events: NewEvent[] }> = [];
  for (let b = 0; b * batch < count; b++) {
    const streamId = ids[b % streams];
    const events: NewEvent[] = [];
    for (let i = b * batch; i < Math.min(count, (b + 1) * batch); i++) {
      events.push({ ...pool[i % pool.length], eventId: randomUUID(), streamId });
    }
    out.push({ streamId, events });
  }
  return out;
}

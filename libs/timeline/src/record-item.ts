import {
  itemEventId, newEvent, NewEvent, sha256Canonical, statementEventId, storiesMergedEventId, storyStream, WireItem,
} from '@timeline/events';
import type { ExtractionResult, StoryMerge } from '@timeline/extraction';

/** What ingest decided for one wire item version: its story and its statements. */
export interface RecordItemCommand {
  item: WireItem;
  /** Format the item arrived in (ninjs, newsml-g2, ...). */
  format: string;
  storyId: string;
  /** Set when this item opens a new story. */
  storyTitle?: string;
  extraction: ExtractionResult;
  /** Id of the request that carried the item (HTTP request id, CLI run id). */
  correlationId: string;
  /** Set when the item bridges stories (assignStory's merge rule): `storyId` is the survivor. */
  merge?: StoryMerge;
}

/**
 * Decide the events of one wire item version (pure, deterministic): a
 * WireItemRecorded followed by one StatementRecorded per statement, all on
 * the story's stream. Event ids are UUID v5 over item uri, version and a
 * stable local key (DESIGN.md decision 3), so deciding the same item twice
 * gives the same ids and the log's unique index makes the second a no-op.
 * Statement events name the item event as their causation.
 *
 * With `merge`, the item's events are preceded by the merge (storiesMergedEvents):
 * so the survivor holds the union before the item's statements, which may
 * relate to the merged stories' ones, are folded.
 */
export function recordItemEvents(cmd: RecordItemCommand): NewEvent[] {
  const { item, storyId, extraction, correlationId } = cmd;
  const streamId = storyStream(storyId);
  const itemId = itemEventId(item.uri, item.version);
  const events: NewEvent[] = [
    ...(cmd.merge ? storiesMergedEvents({ merge: cmd.merge, itemUri: item.uri, itemVersion: item.version, extractor: extraction.extractor, correlationId }) : []),
    newEvent(
      {
        type: 'WireItemRecorded',
        data: {
          storyId,
          item,
          format: cmd.format,
          contentHash: sha256Canonical(item),
          ...(cmd.storyTitle ? { storyTitle: cmd.storyTitle } : {}),
        },
      },
      { eventId: itemId, streamId, metadata: { correlationId, causationId: null } },
    ),
  ];
  if (item.pubstatus !== 'usable') return events;
  for (const s of extraction.statements) {
    events.push(
      newEvent(
        {
          type: 'StatementRecorded',
          data: {
            statementId: s.statementId,
            storyId,
            itemUri: item.uri,
            itemVersion: item.version,
            source: s.source,
            cue: s.cue,
            content: s.content,
            kind: s.kind,
            medium: s.medium,
            via: s.via,
            saidAt: s.saidAt,
            mentions: s.mentions,
            relations: s.relations,
            extractor: extraction.extractor,
          },
        },
        {
          eventId: statementEventId(item.uri, item.version, s.statementId),
          streamId,
          metadata: { correlationId, causationId: itemId, extractor: extraction.extractor },
        },
      ),
    );
  }
  return events;
}

/**
 * The events of a story merge (pure, deterministic): a StoriesMerged on the
 * survivor's stream, then one on each merged story's stream (its marker),
 * merged ids in sorted order. Ids from storiesMergedEventId (survivor +
 * merged ids + stream), so deciding the same merge again appends nothing.
 * @throws Error when the survivor is among the merged ids.
 */
export function storiesMergedEvents(cmd: {
  merge: StoryMerge;
  itemUri: string;
  itemVersion: number;
  extractor: { name: string; version: string };
  correlationId: string;
}): NewEvent[] {
  const { merge } = cmd;
  const merged = [...merge.mergedStoryIds].sort();
  if (merged.includes(merge.survivorStoryId)) throw new Error(`story ${merge.survivorStoryId} cannot be merged into itself`);
  return [merge.survivorStoryId, ...merged].map((streamStory) =>
    newEvent(
      {
        type: 'StoriesMerged',
        data: {
          storyId: streamStory,
          survivorStoryId: merge.survivorStoryId,
          mergedStoryIds: merged,
          itemUri: cmd.itemUri,
          itemVersion: cmd.itemVersion,
          reason: 'bridging-item',
          evidence: merge.evidence,
          extractor: cmd.extractor,
        },
      },
      {
        eventId: storiesMergedEventId(merge.survivorStoryId, merged, streamStory),
        streamId: storyStream(streamStory),
        // caused by the bridging item (its WireItemRecorded, in the same message)
        metadata: { correlationId: cmd.correlationId, causationId: itemEventId(cmd.itemUri, cmd.itemVersion), extractor: cmd.extractor },
      },
    ),
  );
}

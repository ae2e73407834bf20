import {
  itemEventId, newEvent, NewEvent, sha256Canonical, statementEventId, storyStream, WireItem,
} from '@timeline/events';
import type { ExtractionResult } from '@timeline/extraction';

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
}

/**
 * Decide the events of one wire item version (pure, deterministic): a
 * WireItemRecorded followed by one StatementRecorded per statement, all on
 * the story's stream. Event ids are UUID v5 over item uri, version and a
 * stable local key (DESIGN.md decision 3), so deciding the same item twice
 * gives the same ids and the log's unique index makes the second a no-op.
 * Statement events name the item event as their causation.
 */
export function recordItemEvents(cmd: RecordItemCommand): NewEvent[] {
  const { item, storyId, extraction, correlationId } = cmd;
  const streamId = storyStream(storyId);
  const itemId = itemEventId(item.uri, item.version);
  const events: NewEvent[] = [
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

import { deterministicId, newEvent, NewEvent, storyStream } from '@timeline/events';
import type { ExtractedStatement, ExtractionResult } from '@timeline/extraction';
import type { TimelineStatement } from './timeline';

/** One item version to re-derive: what the timeline holds for it and what the extractor finds now. */
export interface ReextractItemInput {
  storyId: string;
  itemUri: string;
  itemVersion: number;
  /** Event id of the WireItemRecorded of this item version (kept in metadata as `reextractOf`). */
  itemEventId: string;
  /** The statements the timeline holds for this item version (only `active` ones are compared). */
  current: readonly TimelineStatement[];
  /** The extractor's output for the item now. */
  extraction: ExtractionResult;
  /** Id of the run (e.g. `reextract-<time>`). */
  correlationId: string;
}

/** What re-extracting one item version decided. */
export interface ReextractItemOutcome {
  events: NewEvent[];
  /** Statement ids found now and not on the timeline. */
  added: string[];
  /** Statement ids on the timeline whose fields the extractor now gives differently. */
  changed: string[];
  /** Statement ids on the timeline the extractor no longer finds. */
  retired: string[];
  /** Found again with the same fields: no event. */
  unchanged: number;
}

/** Event id of a StatementRecorded written by a re-extraction: includes the extractor, so the same extractor run twice adds nothing. */
export const reextractedStatementEventId = (uri: string, version: number, statementId: string, extractor: { name: string; version: string }): string =>
  deterministicId('statement', uri, version, statementId, extractor.name, extractor.version);

/** Event id of the StatementRetracted written when `extractor` no longer finds a statement of this item version. */
export const retractedStatementEventId = (uri: string, version: number, statementId: string, extractor: { name: string; version: string }): string =>
  deterministicId('statement-retracted', uri, version, statementId, extractor.name, extractor.version);

/** The fields a re-extraction may change, in one comparable shape (mentions as offsets only). */
function comparable(s: Pick<ExtractedStatement, 'source' | 'cue' | 'content' | 'kind' | 'medium' | 'via' | 'saidAt' | 'relations'> & { mentions: ReadonlyArray<{ start: number; end: number }> }): string {
  return JSON.stringify([
    [s.source.name, s.source.type, s.source.role, s.source.speakerId],
    s.cue,
    s.content,
    s.kind,
    s.medium,
    s.via,
    s.saidAt ? [s.saidAt.from, s.saidAt.to] : null,
    s.mentions.map((m) => [m.start, m.end]),
    s.relations.map((r) => [r.type, r.target]),
  ]);
}

/**
 * Decide the events of re-extracting one item version (pure, deterministic):
 * - a statement found now and not on the timeline → StatementRecorded (added);
 * - found with other fields (speaker, cue, content, kind, medium, via,
 *   said_at, mentions, relations) → StatementRecorded (changed): it replaces
 *   the timeline's version under the same statement id;
 * - found with the same fields → nothing (it keeps the extractor that first found it);
 * - on the timeline (active) and not found now → StatementRetracted (retired):
 *   it leaves the timeline, the log keeps its StatementRecorded events.
 * Event ids include the extractor name and version, so running the same
 * extractor again decides the same ids (duplicates in the log) and, once the
 * timeline reflects the first run, no events at all.
 */
export function reextractEvents(input: ReextractItemInput): ReextractItemOutcome {
  const { storyId, itemUri, itemVersion, extraction, correlationId } = input;
  const extractor = extraction.extractor;
  const streamId = storyStream(storyId);
  const metadata = { correlationId, causationId: null, extractor, reextractOf: input.itemEventId };
  const onTimeline = new Map(
    input.current.filter((s) => s.status === 'active' && s.itemUri === itemUri && s.itemVersion === itemVersion).map((s) => [s.statementId, s]),
  );
  const out: ReextractItemOutcome = { events: [], added: [], changed: [], retired: [], unchanged: 0 };
  const found = new Set<string>();
  for (const s of extraction.statements) {
    if (found.has(s.statementId)) continue;
    found.add(s.statementId);
    const old = onTimeline.get(s.statementId);
    if (old && comparable(old) === comparable(s)) {
      out.unchanged += 1;
      continue;
    }
    (old ? out.changed : out.added).push(s.statementId);
    out.events.push(
      newEvent(
        {
          type: 'StatementRecorded',
          data: {
            statementId: s.statementId,
            storyId,
            itemUri,
            itemVersion,
            source: s.source,
            cue: s.cue,
            content: s.content,
            kind: s.kind,
            medium: s.medium,
            via: s.via,
            saidAt: s.saidAt,
            mentions: s.mentions.map((m) => ({ start: m.start, end: m.end })),
            relations: s.relations,
            extractor,
          },
        },
        { eventId: reextractedStatementEventId(itemUri, itemVersion, s.statementId, extractor), streamId, metadata },
      ),
    );
  }
  for (const id of [...onTimeline.keys()].sort()) {
    if (found.has(id)) continue;
    out.retired.push(id);
    out.events.push(
      newEvent(
        { type: 'StatementRetracted', data: { statementId: id, storyId, itemUri, itemVersion, extractor, reason: 're-extracted' } },
        { eventId: retractedStatementEventId(itemUri, itemVersion, id, extractor), streamId, metadata },
      ),
    );
  }
  return out;
}

import type { DayRange, ExtractorRef, Medium, Mention, RelationType, SpeakerType, StatementKind, WireItem } from '@timeline/events';

/**
 * Contract of the extractor (pure: text in, statements out, no I/O).
 * The service (apps/ingest) and the batch command (`timeline extract`) both call it.
 */

/** A statement already known in the item's story (from earlier items), for cross-item relations and speaker merging. */
export interface KnownStatement {
  statementId: string;
  itemUri: string;
  speaker: string;
  speakerType: SpeakerType;
  role: string | null;
  content: string;
  kind: StatementKind;
  saidAt: DayRange | null;
  /** Optional extras that sharpen cross-item relation targets. */
  medium?: Medium | null;
  via?: string[];
  cue?: string;
  /** Relations of the known statement (targets are statementIds). */
  relations?: ExtractedRelation[];
}

/** A speaker already known in the story: canonical name plus aliases seen so far. */
export interface KnownSpeaker {
  name: string;
  type: SpeakerType;
  role: string | null;
  aliases: string[];
}

/** What the extractor may know besides the item: the story so far. */
export interface ExtractionContext {
  storyStatements: KnownStatement[];
  knownSpeakers: KnownSpeaker[];
}

export interface ExtractedRelation {
  type: RelationType;
  /** statementId of the target: a statement of this item or one of context.storyStatements. */
  target: string;
}

/** One attributed statement: source (speaker), cue, content; see libs/events StatementRecordedData. */
export interface ExtractedStatement {
  /** ids.statementId(item.uri, speakerKey, contentKey(content)) — stable across versions of the item. */
  statementId: string;
  source: { name: string; type: SpeakerType; role: string | null; speakerId: string };
  cue: string;
  content: string;
  kind: StatementKind;
  medium: Medium | null;
  via: string[];
  saidAt: DayRange | null;
  /** Every place in body_text where this statement is reported (UTF-16 offsets, end exclusive). */
  mentions: Mention[];
  relations: ExtractedRelation[];
}

export interface ExtractionResult {
  extractor: ExtractorRef;
  statements: ExtractedStatement[];
}

export type { WireItem };

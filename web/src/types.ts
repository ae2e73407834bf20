/**
 * Shapes of the read API as the page uses them (GET /stories,
 * /stories/:id/timeline, /statements/:id). The page is a client of the HTTP
 * contract documented at /docs; it imports nothing from the server code.
 */

export type RelationType = 'contradicts' | 'supports' | 'responds_to' | 'corrects' | 'retracts';
export type StatementKind = 'direct' | 'indirect' | 'mixed';

export interface StorySummary {
  storyId: string;
  title: string;
  itemCount: number;
  statementCount: number;
  /** First and last said_at day (YYYY-MM-DD). */
  firstSaid: string | null;
  lastSaid: string | null;
  updatedAt: string | null;
  lastGlobalPosition: string;
}

export interface Source {
  name: string;
  type: 'person' | 'organization' | 'group' | 'anonymous';
  role: string | null;
  speakerId: string;
}

export interface Mention {
  itemUri: string;
  itemVersion: number;
  /** UTF-16 offsets into the item's body text, end exclusive. */
  start: number;
  end: number;
}

export interface TimelineLine {
  statementId: string;
  storyId: string;
  itemUri: string;
  itemVersion: number;
  source: Source;
  cue: string;
  content: string;
  kind: StatementKind;
  medium: string | null;
  /** Outlets or people the item learned the statement through, nearest first. */
  via: string[];
  /** Inclusive day range (UTC) within which it was said, or null when unknown. */
  saidAt: { from: string | null; to: string | null } | null;
  mentions: Mention[];
  relations: Array<{ type: RelationType; target: string }>;
  incoming: Array<{ type: RelationType; source: string }>;
  itemDay: string;
  firstRecordedAt: string;
  recordedAt: string;
}

export interface TimelineAnswer {
  story: StorySummary;
  statements: TimelineLine[];
  /** What the answer reflects; a replay also gives the number of the story's events folded. */
  reflects: { mode: 'live' | 'replay'; globalPosition?: string; recordedAt?: string | null; eventCount?: number };
  nextCursor?: string | null;
}

export interface StatementDetail {
  statement: TimelineLine;
  items: Array<{ uri: string; version: number; headline: string; bodyText: string }>;
}

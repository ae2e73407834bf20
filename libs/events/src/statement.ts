import { z } from 'zod';

/** Speaker kinds, as in the corpus answer keys (../shared/corpus/README.md). */
export const SpeakerType = z.enum(['person', 'organization', 'group', 'anonymous']);
export type SpeakerType = z.infer<typeof SpeakerType>;

/** direct: all content quoted; indirect: reported speech; mixed: paraphrase with a quoted fragment. */
export const StatementKind = z.enum(['direct', 'indirect', 'mixed']);
export type StatementKind = z.infer<typeof StatementKind>;

/** Media of a statement, the closed list of the corpus README. */
export const Medium = z.enum([
  'tweet', 'social post', 'interview', 'briefing', 'statement', 'speech',
  'report', 'letter', 'court filing', 'phone call',
]);
export type Medium = z.infer<typeof Medium>;

/** Relation types between statements (corpus README, "relations"). */
export const RelationType = z.enum(['contradicts', 'supports', 'responds_to', 'corrects', 'retracts']);
export type RelationType = z.infer<typeof RelationType>;

/** Inclusive range of calendar days, `YYYY-MM-DD` (UTC); either end may be open (null). */
export const DayRange = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
});
export type DayRange = z.infer<typeof DayRange>;

/** One place in one item where a statement is reported: UTF-16 offsets into `body_text`, end exclusive. */
export const Mention = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Mention = z.infer<typeof Mention>;

/** The speaker (PARC "source"), after alias resolution within the story. */
export const Source = z.object({
  name: z.string().min(1),
  type: SpeakerType,
  role: z.string().nullable(),
  /** Deterministic id of the speaker within the story registry (uuid v5 of the canonical name). */
  speakerId: z.string().uuid(),
});
export type Source = z.infer<typeof Source>;

export const Relation = z.object({
  type: RelationType,
  /** statementId of the target (same item or another item of the story). */
  target: z.string().uuid(),
});
export type Relation = z.infer<typeof Relation>;

/** Name and version of the extractor that produced a statement (DESIGN.md decision 7). */
export const ExtractorRef = z.object({ name: z.string().min(1), version: z.string().min(1) });
export type ExtractorRef = z.infer<typeof ExtractorRef>;

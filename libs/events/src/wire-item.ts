import { z } from 'zod';

/**
 * The one wire-item shape every feed format is normalized into.
 * Field names follow IPTC ninjs 1.x (https://iptc.org/standards/ninjs/):
 * `uri`, `version`, `pubstatus`, `firstcreated`, `versioncreated`, `headline`,
 * `byline`, `located`, `language`, `body_text`, `ednote`, `subject`.
 * Times are ISO 8601 UTC strings; `version` is a positive integer.
 */
export const PubStatus = z.enum(['usable', 'withheld', 'canceled']);
export type PubStatus = z.infer<typeof PubStatus>;

/** ISO 8601 date-time with a year Postgres timestamptz and every reader accept (1000-9999). */
const WireTime = z.iso
  .datetime({ offset: true })
  .refine((v) => Number(v.slice(0, 4)) >= 1000 && Number(v.slice(0, 4)) <= 9999, 'year outside 1000-9999');

export const WireItemSchema = z.object({
  uri: z.string().min(1).max(2048),
  version: z.number().int().nonnegative().max(2_147_483_647),
  pubstatus: PubStatus,
  firstcreated: WireTime,
  versioncreated: WireTime,
  headline: z.string().max(10_000).default(''),
  byline: z.string().max(10_000).nullable().default(null),
  located: z.string().max(10_000).nullable().default(null),
  language: z.string().max(35).nullable().default(null),
  body_text: z.string().default(''),
  ednote: z.string().max(100_000).nullable().default(null),
  subject: z.array(z.object({ name: z.string().optional(), uri: z.string().optional() })).default([]),
});
export type WireItem = z.infer<typeof WireItemSchema>;

/**
 * What makes two deliveries of one uri+version the same item for an editor:
 * the headline, the words of the body (spacing ignored) and the status.
 * Format-specific metadata (subjects, located, byline spelling) may differ
 * between a ninjs and a NewsML-G2 delivery of the same version.
 */
export function sameEditorialContent(
  a: Pick<WireItem, 'headline' | 'body_text' | 'pubstatus'>,
  b: Pick<WireItem, 'headline' | 'body_text' | 'pubstatus'>,
): boolean {
  const words = (t: string) => t.replace(/\s+/g, ' ').trim();
  return a.pubstatus === b.pubstatus && words(a.headline) === words(b.headline) && words(a.body_text) === words(b.body_text);
}

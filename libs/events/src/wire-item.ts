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

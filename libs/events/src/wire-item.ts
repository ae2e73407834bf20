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

export const WireItemSchema = z.object({
  uri: z.string().min(1).max(2048),
  version: z.number().int().nonnegative(),
  pubstatus: PubStatus,
  firstcreated: z.iso.datetime({ offset: true }),
  versioncreated: z.iso.datetime({ offset: true }),
  headline: z.string().max(10_000).default(''),
  byline: z.string().max(10_000).nullable().default(null),
  located: z.string().max(10_000).nullable().default(null),
  language: z.string().max(35).nullable().default(null),
  body_text: z.string().default(''),
  ednote: z.string().max(100_000).nullable().default(null),
  subject: z.array(z.object({ name: z.string().optional(), uri: z.string().optional() })).default([]),
});
export type WireItem = z.infer<typeof WireItemSchema>;

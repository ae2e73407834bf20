import { PubStatus, WireItem, WireItemSchema } from '@timeline/events';
import { cleanupBody } from './cleanup';
import { repairMojibake } from './encoding';
import { assertStorableVersion } from './dates';
import { NormalizationError } from './errors';

/** A wire item before validation: what each format's reader fills in. */
export interface ItemDraft {
  uri?: string;
  version?: number;
  pubstatus?: PubStatus;
  firstcreated?: string;
  versioncreated?: string;
  headline?: string;
  byline?: string | null;
  located?: string | null;
  language?: string | null;
  body_text?: string;
  ednote?: string | null;
  subject?: Array<{ name?: string; uri?: string }>;
  /** Signals to keep on the version event: `correction`, `update`, `refile`, `kill`, … */
  signals?: string[];
}

/** Kinds of agency headline tag and what each means for the item. */
export interface HeadlineTag {
  tag: string;
  signal: 'kill' | 'correction' | 'refile' | 'update' | 'withheld';
}

/**
 * Agency headline and first-paragraph tags (Reuters "CORRECTED-", "REFILE-",
 * "UPDATE 2-", "KILL - KILL - KILL", AP "STORY WITHDRAWN", "ELIMINATE",
 * "MANDATORY KILL", "WITHHOLD"). Several may be chained ("CORRECTED-UPDATE 1-").
 */
const TAG = /^\s*(story withdrawn|story killed|mandatory kill|kill(?:ed)?|withdrawn|eliminate|withhold|corrected|correction|corrects|refiled?|repeat|rpt|update \d{1,2}|updated)\b\s*(?:[-:–—|/]+\s*|$)/i;

function classify(tag: string): HeadlineTag['signal'] {
  const t = tag.toLowerCase();
  if (/kill|withdrawn|eliminate/.test(t)) return 'kill';
  if (/withhold/.test(t)) return 'withheld';
  if (/correct/.test(t)) return 'correction';
  if (/refile|repeat|rpt/.test(t)) return 'refile';
  return 'update';
}

/**
 * Strip agency tags from the start of a headline and say what they mean.
 * Only upper-case tags count ("Kill Bill review" is a headline, "KILL -" a tag).
 * @returns the headline without its tags and the tags found, in order.
 */
export function headlineTags(headline: string): { headline: string; tags: HeadlineTag[] } {
  const tags: HeadlineTag[] = [];
  let h = headline;
  for (let n = 0; n < 5; n++) {
    const m = TAG.exec(h);
    if (!m || m[1] !== m[1].toUpperCase()) break;
    tags.push({ tag: m[1], signal: classify(m[1]) });
    h = h.slice(m[0].length);
  }
  return { headline: tags.length ? h.trim() : headline, tags };
}

/** A first paragraph that is only a kill notice ("KILL - KILL - KILL", "STORY WITHDRAWN"). */
const KILL_PARAGRAPH = /^\s*(?:(?:kill|story withdrawn|withdrawn|mandatory kill|eliminate)\b[\s\-–—:|/]*){1,4}$/i;

/** Options of {@link finishItem}. */
export interface FinishOptions {
  /** Run {@link cleanupBody} (default true). */
  cleanup?: boolean;
  /** Largest body_text, in UTF-8 bytes (default 5 MiB). */
  maxItemBytes?: number;
}

/**
 * Turn a draft into a validated wire item — the last step of every format:
 * agency tags in the headline (and a kill notice as first paragraph) are
 * recognized: a kill or withdrawal makes `pubstatus` `canceled` (withhold:
 * `withheld`); tags are stripped from the headline; double-encoded text is
 * repaired; the body is cleaned ({@link cleanupBody}); signals
 * (`sig:correction`, headline tags, schema.org `correction`) are kept on the
 * version as lines `signal: <name>` appended to `ednote`, since the wire-item
 * shape has no field of its own for them.
 * @throws NormalizationError naming the first bad field (ninjs names; `version`
 *   above MAX_VERSION, which the read model cannot store), or
 *   `body_text` when the item is larger than `maxItemBytes`.
 */
export function finishItem(draft: ItemDraft, opts: FinishOptions = {}): WireItem {
  const signals = [...(draft.signals ?? [])];
  let pubstatus: PubStatus = draft.pubstatus ?? 'usable';
  const tagged = headlineTags(repairMojibake(draft.headline ?? '').replace(/\s+/g, ' ').trim());
  for (const t of tagged.tags) {
    signals.push(t.signal === 'kill' ? `kill (headline tag ${t.tag})` : `${t.signal} (headline tag ${t.tag})`);
    if (t.signal === 'kill') pubstatus = 'canceled';
    else if (t.signal === 'withheld' && pubstatus === 'usable') pubstatus = 'withheld';
  }
  let body = repairMojibake(draft.body_text ?? '');
  const first = body.replace(/\r\n?/g, '\n').split(/\n\s*\n/)[0] ?? '';
  if (first && KILL_PARAGRAPH.test(first) && /[A-Z]{4}/.test(first)) {
    if (pubstatus !== 'canceled') signals.push('kill (kill notice in the body)');
    pubstatus = 'canceled';
  }
  const max = opts.maxItemBytes ?? DEFAULT_LIMITS.maxItemBytes;
  if (body.length > max || Buffer.byteLength(body, 'utf8') > max) {
    throw new NormalizationError('body_text', `the item is ${Buffer.byteLength(body, 'utf8')} bytes of text; the limit is ${max} bytes (ITEM_MAX_BYTES)`);
  }
  if (opts.cleanup !== false) body = cleanupBody(body, { headline: tagged.headline || draft.headline });
  const notes = [draft.ednote?.trim() || null, ...unique(signals).map((s) => `signal: ${s}`)].filter(Boolean) as string[];
  const candidate = {
    uri: draft.uri?.trim(),
    version: draft.version ?? 1,
    pubstatus,
    firstcreated: draft.firstcreated ?? draft.versioncreated,
    versioncreated: draft.versioncreated ?? draft.firstcreated,
    headline: tagged.headline.slice(0, 10_000),
    byline: draft.byline ? repairMojibake(draft.byline).replace(/\s+/g, ' ').trim().slice(0, 10_000) || null : null,
    located: draft.located ? draft.located.replace(/\s+/g, ' ').trim().slice(0, 10_000) || null : null,
    language: draft.language ? draft.language.trim().slice(0, 35) || null : null,
    body_text: body,
    ednote: notes.length ? notes.join('\n').slice(0, 100_000) : null,
    subject: (draft.subject ?? []).slice(0, 500),
  };
  assertStorableVersion(candidate.version);
  if (!candidate.uri) throw new NormalizationError('uri', 'missing (the item identity is required)');
  if (!candidate.versioncreated) throw new NormalizationError('versioncreated', 'missing (and no firstcreated either)');
  const parsed = WireItemSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NormalizationError(issue.path.join('.') || '(document)', issue.message);
  }
  return parsed.data;
}

const unique = (xs: string[]) => [...new Set(xs)];

/** Default size limits (issue 4): 5 MiB per item, 50 MiB per feed document. */
export const DEFAULT_LIMITS = { maxItemBytes: 5 * 1024 * 1024, maxFeedBytes: 50 * 1024 * 1024 } as const;

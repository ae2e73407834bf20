import type { NextFunction, Request, Response } from 'express';
import { AuthOptions, presentedKey } from '@timeline/runtime';
import { isTimelineCursor, TimelineCursor, TimelineFilter } from '@timeline/read-model';
import { parseCursor, parseLimit, parseTimelineFilter, single } from './query-params';
import { LiveHeads } from './live-heads';
import { TimelineReader } from './timeline.reader';

/** Default and largest page of GET /stories/:id/timeline (statements). */
export const TIMELINE_PAGE = { default: 100, max: 1000 } as const;

/** The page a timeline request asks for: filters, limit, cursor (as text and decoded). */
export interface TimelinePage {
  filter: TimelineFilter;
  limit: number;
  cursorText?: string;
  after?: TimelineCursor;
}

/**
 * Filters, `limit` and `cursor` of a GET /stories/:id/timeline query.
 * @throws BadRequestException naming the bad parameter (query-params).
 */
export function parseTimelinePage(query: Record<string, unknown>): TimelinePage {
  return {
    filter: parseTimelineFilter(query),
    limit: parseLimit(query.limit, TIMELINE_PAGE.default, TIMELINE_PAGE.max),
    cursorText: single('cursor', query.cursor),
    after: parseCursor(query.cursor, 'timeline', isTimelineCursor),
  };
}

/** What a live timeline answer is made from. */
export interface LiveTimelineDeps {
  heads: LiveHeads;
  reader: TimelineReader;
}

/**
 * Write the live answer of GET /stories/:id/timeline: one (coalesced) head
 * check, then 304 when If-None-Match matches the ETag, else the cached body
 * (`{ missingEvents, story, statements, reflects, nextCursor }`, rendered
 * once per story position and query) with its ETag. Dead letters do not
 * move the story's position: their ids are part of the ETag and the answer.
 * @returns true when written; false for an unknown story; `{ mergedInto }`
 *   for a story merged into another (nothing written: the caller redirects),
 *   unless `opts.ignoreMerge` (a stored merge cycle: the story answers as itself).
 * @throws what the head query or the timeline read throws (nothing written).
 */
export async function writeLiveTimeline(
  deps: LiveTimelineDeps,
  id: string,
  page: TimelinePage,
  ifNoneMatch: string | undefined,
  res: Response,
  opts: { ignoreMerge?: boolean } = {},
): Promise<boolean | { mergedInto: string }> {
  const head = await deps.heads.get(id);
  if (head === null) return false;
  if (head.mergedInto && !opts.ignoreMerge) return { mergedInto: head.mergedInto };
  const { position: current, missingEvents } = head;
  const key = { ...page.filter, limit: page.limit, cursor: page.cursorText ?? null, missing: missingEvents.map((m) => m.deadLetterId) };
  if (ifNoneMatch) {
    const etag = TimelineReader.etag(current, key);
    if (TimelineReader.matches(ifNoneMatch, etag)) {
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('ETag', etag);
      res.status(304).end();
      return true;
    }
  }
  const a = await deps.reader.answer(id, current, key, { filter: page.filter, limit: page.limit, after: page.after }, missingEvents);
  if (!a) return false;
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('ETag', a.etag);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.status(200).end(a.body);
  return true;
}

const TIMELINE_PATH = /^\/stories\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\/timeline$/;

/**
 * Express middleware, mounted before the Nest routes, that answers the
 * plain live GET /stories/:id/timeline itself (the hottest route: the same
 * answer as StoriesController.timeline, through writeLiveTimeline, without
 * Nest's router, guard, pipes and parameter machinery). It serves only what
 * the controller would serve without any check of its own: a well-formed
 * id, valid parameters, no `asOf`/`position`, and a request the API-key
 * guard lets through without looking at a key (no keys configured, or read
 * open and no key presented). Everything else — a key to check, a bad
 * parameter (400 naming it), an unknown story (404), a merged story (308), a replay, a failed
 * query — goes on to the controller, which answers it as always.
 */
export function liveTimelineFastPath(deps: LiveTimelineDeps, auth: AuthOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET') return next();
    const m = TIMELINE_PATH.exec(req.path);
    if (!m) return next();
    if (auth.keys.length > 0 && (auth.readRequiresKey || presentedKey(req.headers) !== undefined)) return next();
    const query = req.query as Record<string, unknown>;
    if (query.asOf !== undefined || query.position !== undefined) return next();
    let page: TimelinePage;
    try {
      page = parseTimelinePage(query);
    } catch {
      return next();
    }
    const ifNoneMatch = req.headers['if-none-match'];
    writeLiveTimeline(deps, m[1], page, typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined, res).then(
      (served) => {
        if (served !== true) next(); // unknown (404) or merged (308): the controller answers
      },
      () => next(),
    );
  };
}

import { BadRequestException, Controller, Get, Headers, Inject, NotFoundException, Optional, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequireScope } from '@timeline/runtime';
import { BoundError, positionBound, ReplayPoint, timeBound } from '@timeline/audit';
import { Medium, RelationType, StatementKind } from '@timeline/events';
import {
  conflictPairs, ConflictPair, encodeCursor, ReadModelQueries, StoriesCursor, StorySummary, TimelineLine,
} from '@timeline/read-model';
import { AUDIT, AuditService, rethrowHttp } from './audit.service';
import { BAD_REQUEST_RESPONSE, CONTRADICTIONS_EXAMPLE, STORIES_EXAMPLE, TIMELINE_EXAMPLE } from './openapi.examples';
import { badParam, parseCursor, parseDayRange, parseLimit, parseSearch, single, uuidParam } from './query-params';
import { STORY_EVENTS, StoryEvents } from './story-events';
import { TimelineReader } from './timeline.reader';
import { LiveHeads } from './live-heads';
import { parseTimelinePage, TIMELINE_PAGE, TimelinePage, writeLiveTimeline } from './live-timeline';

export const QUERIES = Symbol('ReadModelQueries');
export const TIMELINE_READER = Symbol('TimelineReader');
export const LIVE_HEADS = Symbol('LiveHeads');

/** Default and largest page of GET /stories (stories). */
export const STORIES_PAGE = { default: 100, max: 1000 } as const;

/**
 * What a timeline answer reflects. Two clocks, never mixed: `recordedAt` is
 * when the log learned the last fact folded in (the audit clock; `asOf`
 * bounds it); each statement's `saidAt` is when it was said (the order of
 * the timeline, `orderedBy: 'saidAt'`).
 * - `mode: 'live'`: the projector's read model, as of its last applied event;
 * - `mode: 'replay'`: the log replayed up to `requested` with the projector's `evolve`.
 */
export type TimelineReflects =
  | { mode: 'live'; orderedBy: 'saidAt'; globalPosition: string; recordedAt: string | null }
  | ({ mode: 'replay'; orderedBy: 'saidAt' } & ReplayPoint);

const isStoriesCursor = (v: unknown): v is StoriesCursor => {
  const c = v as StoriesCursor;
  return !!c && typeof c === 'object' && (c.u === null || typeof c.u === 'string') && typeof c.id === 'string' && /^[0-9a-f-]{36}$/.test(c.id);
};

/**
 * Answer for a story merged into another: 308 Permanent Redirect to the same
 * path and query under the survivor's id (a merge is never undone; 308 keeps
 * the method, and clients such as fetch and EventSource follow it), with a
 * JSON body `{ statusCode: 308, message, storyId, mergedInto }` for clients
 * that do not follow redirects.
 * @throws Error when `survivor` is `storyId` (a redirect loop; the merge
 *   queries never return the story itself).
 */
export function redirectToSurvivor(req: Request, res: Response, storyId: string, survivor: string): void {
  // a redirect to the same URL would loop: callers pass a survivor other than the story (never reached)
  if (survivor === storyId) throw new Error(`story ${storyId} cannot redirect to itself`);
  const url = req.originalUrl.replace(`/stories/${storyId}`, `/stories/${survivor}`);
  res.setHeader('Location', url);
  res.status(308).json({ statusCode: 308, message: `story ${storyId} was merged into story ${survivor}`, storyId, mergedInto: survivor });
}

/** OpenAPI description of the 308 answer of a merged story's id. */
export const mergedRedirect = {
  status: 308,
  description:
    'Permanent Redirect: the story was merged into another (StoriesMerged); Location is the same request under the survivor\'s id; body `{ statusCode: 308, message, storyId, mergedInto }`. ' +
    'An as-of request (asOf / position) is redirected only when the merge lies within the bound; before it the story answers alone.',
};


/** Read API over the story timelines (the projector's read model; as-of answers replay the log). */
@ApiTags('stories')
@RequireScope('read')
@Controller()
export class StoriesController {
  constructor(
    @Inject(QUERIES) private readonly q: ReadModelQueries,
    @Inject(TIMELINE_READER) private readonly reader: TimelineReader,
    @Inject(STORY_EVENTS) private readonly events: StoryEvents,
    @Inject(LIVE_HEADS) private readonly heads: LiveHeads,
    @Optional() @Inject(AUDIT) private readonly audit?: AuditService,
  ) {}

  /**
   * Stories, most recently updated first (updated_at desc, then story_id):
   * `{ stories: StorySummary[], nextCursor: string | null }`. A story merged
   * into another is not listed (its survivor is; its id answers 308).
   * `q`: words that must all occur in the title (case-insensitive);
   * `from` / `to`: YYYY-MM-DD, the story's [firstSaid, lastSaid] must overlap
   * them; `limit` 1-1000 (default 100, as before paging); `cursor`: a previous answer's
   * nextCursor (the order is by update time, so a story updated while you
   * page moves to the front and is not seen again on later pages).
   * 400 naming the parameter for a bad value.
   */
  @Get('stories')
  @ApiOperation({ summary: 'List and search stories (cursor-paged)' })
  @ApiQuery({ name: 'q', required: false, description: 'words that must all appear in the title (case-insensitive)', example: 'arms sale' })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD: stories whose said_at days reach this day or later', example: '2024-03-01' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD: stories whose said_at days start on or before this day', example: '2024-03-31' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${STORIES_PAGE.max}, default ${STORIES_PAGE.default}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ description: '{ stories: [{ storyId, title, itemCount, statementCount, firstSaid, lastSaid, updatedAt, lastGlobalPosition }], nextCursor }', schema: { example: STORIES_EXAMPLE } })
  @ApiBadRequestResponse(BAD_REQUEST_RESPONSE)
  async list(@Query() query: Record<string, unknown>): Promise<{ stories: StorySummary[]; nextCursor: string | null }> {
    const limit = parseLimit(query.limit, STORIES_PAGE.default, STORIES_PAGE.max);
    const { from, to } = parseDayRange(query.from, query.to);
    const q = parseSearch(query.q);
    const after = parseCursor(query.cursor, 'stories', isStoriesCursor);
    const r = await this.q.searchStories({ q, from, to, limit, after });
    return { stories: r.stories, nextCursor: r.more && r.last ? encodeCursor('stories', r.last) : null };
  }

  /**
   * A story's timeline: its active statements in said_at order (TimelineLine:
   * source, cue, content, kind, medium, via, saidAt, relations (outgoing),
   * incoming, status, provenance (item uri, version, mentions as UTF-16
   * offsets into the item text), extractor, firstRecordedAt / recordedAt).
   * Answer: `{ story, statements, reflects, nextCursor }`.
   *
   * Filters (all optional, all must hold): `speaker` (speakerId), `from` /
   * `to` (YYYY-MM-DD; a statement's said_at days must overlap them; a
   * statement without said_at counts as its item's day), `kind`, `medium`,
   * `relation` (statements with a relation of that type, outgoing or
   * incoming). `incoming` always lists the relations from the whole story.
   * Paging: `limit` 1-1000 (default 100 statements), `cursor` = nextCursor of
   * the previous page (it marks a place in the said_at order, so it stays
   * valid while the story changes).
   *
   * Live (no `asOf`/`position`): from the read model, with a strong ETag
   * derived from the story's last global position and the query; send it
   * back as If-None-Match to get 304 while nothing changed. With `asOf` (ISO
   * 8601 recorded time) or `position` (global position): the story's stream
   * replayed with the projector's `evolve` (not the live tables), the same
   * filters and paging applied; `reflects` states what the answer reflects.
   * Live answers carry `missingEvents`: events of this story the projector
   * skipped as poison (dead letters not redriven yet); [] normally.
   * 400 naming the parameter for a bad value; 404 for an unknown story;
   * 308 to the survivor's timeline for a story merged into another (the
   * survivor's timeline is the union of both stories' statements).
   */
  @Get('stories/:id/timeline')
  @ApiOperation({ summary: "A story's timeline (filters, cursor paging, ETag), live or as of a recorded time / global position" })
  @ApiParam({ name: 'id', description: 'story id (uuid)' })
  @ApiQuery({ name: 'speaker', required: false, description: 'speakerId (uuid) of the source' })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD: statements said on or after this day', example: '2024-03-04' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD: statements said on or before this day', example: '2024-03-05' })
  @ApiQuery({ name: 'kind', required: false, enum: StatementKind.options, description: 'direct (quote), indirect (paraphrase) or mixed' })
  @ApiQuery({ name: 'medium', required: false, enum: Medium.options })
  @ApiQuery({ name: 'relation', required: false, enum: RelationType.options, description: 'keep statements with a relation of this type, outgoing or incoming' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${TIMELINE_PAGE.max}, default ${TIMELINE_PAGE.default}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant on the recorded_at clock, e.g. 2019-06-04T14:00:00Z: replay the log up to it' })
  @ApiQuery({ name: 'position', required: false, description: 'global position: replay the log up to and including it' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of an earlier live answer: 304 while the story and query are unchanged' })
  @ApiOkResponse({ description: '{ missingEvents (live answers: events skipped as poison, [] normally), story, statements: TimelineLine[], reflects, nextCursor }; header ETag (live answers)', schema: { example: TIMELINE_EXAMPLE } })
  @ApiResponse({ status: 304, description: 'Not Modified: If-None-Match matches the current ETag' })
  @ApiResponse(mergedRedirect)
  @ApiBadRequestResponse(BAD_REQUEST_RESPONSE)
  @ApiNotFoundResponse({ description: 'No such story' })
  async timeline(
    @Param('id', uuidParam()) id: string,
    @Query() query: Record<string, unknown>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const page = parseTimelinePage(query);
    const asOf = single('asOf', query.asOf);
    const position = single('position', query.position);
    if (asOf !== undefined || position !== undefined) {
      const r = await this.replay(id, asOf, position, page);
      if (r.mergedInto) redirectToSurvivor(req, res, id, r.mergedInto);
      else res.json(r);
      return;
    }
    // the same answer as the fast path in front of the Nest routes (live-timeline.ts) gives
    let served = await writeLiveTimeline({ heads: this.heads, reader: this.reader }, id, page, ifNoneMatch, res);
    if (served !== true && served !== false) {
      // null when the chain comes back to this story (a cycle stored by an older projection): answer as itself
      const survivor = await this.q.mergedInto(id);
      if (survivor) return redirectToSurvivor(req, res, id, survivor);
      served = await writeLiveTimeline({ heads: this.heads, reader: this.reader }, id, page, ifNoneMatch, res, { ignoreMerge: true });
    }
    if (served === false) throw new NotFoundException(`no story ${id}`);
  }

  private async replay(id: string, asOf: string | undefined, position: string | undefined, page: TimelinePage) {
    try {
      if (asOf !== undefined && position !== undefined) throw new BoundError('position', 'give asOf or position, not both');
      if (!this.audit) throw new Error('as-of replay is not configured');
      const bound = asOf !== undefined ? timeBound(asOf, 'asOf') : positionBound(position!, 'position');
      const r = await this.audit.asOfPage(id, bound, page);
      return { story: r.story, statements: r.statements, reflects: r.reflects as TimelineReflects, nextCursor: r.nextCursor, mergedInto: r.mergedInto };
    } catch (err) {
      rethrowHttp(err, { notFound: (m) => new NotFoundException(m), badRequest: (m) => new BadRequestException(m) });
    }
  }

  /**
   * The pairs of statements in conflict on a story's live timeline:
   * `{ pairs: [{ relation, from: TimelineLine, to: TimelineLine }] }`, where
   * `from` says `relation` of `to`; relations `contradicts`, `corrects` and
   * `retracts` (libs/events RelationType; `supports` and `responds_to` are not
   * conflicts), both statements active; in timeline order of `from`, then `to`.
   * 404 for an unknown story.
   */
  @Get('stories/:id/contradictions')
  @ApiOperation({ summary: 'Pairs of statements in conflict (contradicts, corrects, retracts)' })
  @ApiParam({ name: 'id', description: 'story id (uuid)' })
  @ApiOkResponse({ description: '{ pairs: [{ relation, from: TimelineLine, to: TimelineLine }] }', schema: { example: CONTRADICTIONS_EXAMPLE } })
  @ApiResponse(mergedRedirect)
  @ApiNotFoundResponse({ description: 'No such story' })
  async contradictions(@Param('id', uuidParam()) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const survivor = await this.q.mergedInto(id);
    if (survivor) return redirectToSurvivor(req, res, id, survivor);
    res.json(await this.conflicts(id));
  }

  private async conflicts(id: string): Promise<{ pairs: Array<ConflictPair<TimelineLine>> }> {
    const current = await this.reader.position(id);
    const t = current === null ? null : await this.reader.timeline(id, current);
    if (!t) throw new NotFoundException(`no story ${id}`);
    return { pairs: conflictPairs(t.lines) };
  }

  /**
   * Server-Sent Events (text/event-stream) of a story's timeline changes: on
   * each projector step that changes the story, `event: timeline`, `id:
   * <globalPosition>`, `data: { storyId, globalPosition, recordedAt }` (the
   * story's last global position and recorded time after the change; fetch
   * the timeline again to see it). A `: heartbeat` comment every 15 s. With
   * `after` (or the Last-Event-ID header a reconnecting EventSource sends) =
   * a global position already seen, a change past it is sent at once.
   * 400 for a bad `after`; 404 for an unknown story.
   */
  @Get('stories/:id/events')
  @ApiOperation({ summary: "Server-Sent Events: the story's timeline changed" })
  @ApiParam({ name: 'id', description: 'story id (uuid)' })
  @ApiQuery({ name: 'after', required: false, description: 'global position already seen (same as the Last-Event-ID header)' })
  @ApiProduces('text/event-stream')
  @ApiResponse(mergedRedirect)
  @ApiOkResponse({ description: 'event stream: `event: timeline` / `id: 4812` / `data: {"storyId":"…","globalPosition":"4812","recordedAt":"2024-03-05T09:12:44.120Z"}`' })
  @ApiBadRequestResponse(BAD_REQUEST_RESPONSE)
  @ApiNotFoundResponse({ description: 'No such story' })
  async stream(
    @Param('id', uuidParam()) id: string,
    @Query('after') afterParam: unknown,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const after = single('after', afterParam);
    if (after !== undefined && !/^[0-9]{1,18}$/.test(after)) throw badParam('after', `after must be a global position (whole number), got "${after}"`);
    const since = after ?? (lastEventId && /^[0-9]{1,18}$/.test(lastEventId) ? lastEventId : undefined);
    const survivor = await this.q.mergedInto(id);
    if (survivor) return redirectToSurvivor(req, res, id, survivor);
    const current = await this.reader.position(id);
    if (current === null) throw new NotFoundException(`no story ${id}`);
    this.events.open(id, current, since, req, res);
  }
}

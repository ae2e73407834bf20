import { BadRequestException, Controller, Get, Inject, NotFoundException, Optional, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { RequireScope } from '@timeline/runtime';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BoundError, positionBound, ReplayPoint, timeBound } from '@timeline/audit';
import { ReadModelQueries, StorySummary, TimelineLine } from '@timeline/read-model';
import { AUDIT, AuditService, rethrowHttp } from './audit.service';

export const QUERIES = Symbol('ReadModelQueries');

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

/** Read API over the story timelines (the projector's read model; as-of answers replay the log). */
@ApiTags('stories')
@RequireScope('read')
@Controller()
export class StoriesController {
  constructor(
    @Inject(QUERIES) private readonly q: ReadModelQueries,
    @Optional() @Inject(AUDIT) private readonly audit?: AuditService,
  ) {}

  /** Stories, most recently updated first: `{ stories: StorySummary[] }`. */
  @Get('stories')
  @ApiOperation({ summary: 'List stories' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiOkResponse({ description: '{ stories: [{ storyId, title, itemCount, statementCount, firstSaid, lastSaid, updatedAt, lastGlobalPosition }] }' })
  async list(@Query('limit') limit?: string): Promise<{ stories: StorySummary[] }> {
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new BadRequestException('limit must be a whole number from 1 to 1000');
    return { stories: await this.q.listStories(n) };
  }

  /**
   * A story's timeline: its active statements in said_at order, each with
   * source, cue, content, kind, medium, via, saidAt (day range: when it was
   * said), relations (outgoing) and incoming, status, provenance (item uri,
   * version, mentions as character offsets), extractor, and firstRecordedAt /
   * recordedAt (when the log learned of it).
   *
   * Without `asOf`/`position`: the live read model. With `asOf` (ISO 8601
   * recorded time) or `position` (global position): the story's stream
   * replayed up to that point with the projector's `evolve` (not the live
   * tables); `reflects` then states the global position, stream position,
   * recordedAt and number of events the answer reflects.
   * Live answers carry `missingEvents`: events of this story the projector
   * skipped as poison (dead letters not redriven yet); [] normally.
   * 400 for a malformed or doubled bound; 404 for an unknown story.
   */
  @Get('stories/:id/timeline')
  @ApiOperation({ summary: "A story's timeline, live or as of a recorded time / global position" })
  @ApiParam({ name: 'id', description: 'story id (uuid)' })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant on the recorded_at clock, e.g. 2019-06-04T14:00:00Z: replay the log up to it' })
  @ApiQuery({ name: 'position', required: false, description: 'global position: replay the log up to and including it' })
  @ApiOkResponse({ description: '{ story, statements: TimelineLine[], reflects: { mode, orderedBy, globalPosition, recordedAt, ... } }' })
  @ApiBadRequestResponse({ description: 'malformed asOf/position, or both given' })
  @ApiNotFoundResponse({ description: 'No such story' })
  async timeline(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('asOf') asOf?: string,
    @Query('position') position?: string,
  ): Promise<{ story: StorySummary; statements: TimelineLine[]; missingEvents?: Array<{ deadLetterId: string; globalPosition: string; eventId: string | null; error: string }>; reflects: TimelineReflects }> {
    if (asOf !== undefined || position !== undefined) {
      try {
        if (asOf !== undefined && position !== undefined) throw new BoundError('position', 'give asOf or position, not both');
        if (!this.audit) throw new Error('as-of replay is not configured');
        const bound = asOf !== undefined ? timeBound(asOf, 'asOf') : positionBound(position!, 'position');
        return await this.audit.asOfTimeline(id, bound);
      } catch (err) {
        rethrowHttp(err, { notFound: (m) => new NotFoundException(m), badRequest: (m) => new BadRequestException(m) });
      }
    }
    const story = await this.q.getStory(id);
    const statements = await this.q.timeline(id);
    if (!story || !statements) throw new NotFoundException(`no story ${id}`);
    const missingEvents = await this.q.missingEvents(id);
    return { story, statements, missingEvents, reflects: { mode: 'live', orderedBy: 'saidAt', globalPosition: story.lastGlobalPosition, recordedAt: story.updatedAt } };
  }
}

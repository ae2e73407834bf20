import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ReadModelQueries, StorySummary, TimelineLine } from '@timeline/read-model';

export const QUERIES = Symbol('ReadModelQueries');

/** Read API over the story timelines (the projector's read model). */
@ApiTags('stories')
@Controller()
export class StoriesController {
  constructor(@Inject(QUERIES) private readonly q: ReadModelQueries) {}

  /** Stories, most recently updated first: `{ stories: StorySummary[] }`. */
  @Get('stories')
  @ApiOperation({ summary: 'List stories' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiOkResponse({ description: '{ stories: [{ storyId, title, itemCount, statementCount, firstSaid, lastSaid, updatedAt, lastGlobalPosition }] }' })
  async list(@Query('limit') limit?: string): Promise<{ stories: StorySummary[] }> {
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new NotFoundException('limit must be a whole number from 1 to 1000');
    return { stories: await this.q.listStories(n) };
  }

  /**
   * A story's timeline: its active statements in said_at order, each with
   * source, cue, content, kind, medium, via, said_at (day range), relations
   * (outgoing) and incoming, status, provenance (item uri, version, mentions
   * as character offsets) and extractor.
   */
  @Get('stories/:id/timeline')
  @ApiOperation({ summary: "A story's timeline" })
  @ApiParam({ name: 'id', description: 'story id (uuid)' })
  @ApiOkResponse({ description: '{ story, statements: TimelineLine[] }' })
  @ApiNotFoundResponse({ description: 'No such story' })
  async timeline(@Param('id', new ParseUUIDPipe()) id: string): Promise<{ story: StorySummary; statements: TimelineLine[] }> {
    const story = await this.q.getStory(id);
    const statements = await this.q.timeline(id);
    if (!story || !statements) throw new NotFoundException(`no story ${id}`);
    return { story, statements };
  }
}

import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { encodeCursor, isTimelineCursor, ReadModelQueries, SpeakersCursor, SpeakerSummary, timelineCursorOf, TimelineLine } from '@timeline/read-model';
import { BAD_REQUEST_RESPONSE, SPEAKER_STATEMENTS_EXAMPLE, SPEAKERS_EXAMPLE } from './openapi.examples';
import { parseCursor, parseLimit, parseSearch, uuidParam } from './query-params';
import { RequireScope } from '@timeline/runtime';
import { QUERIES } from './stories.controller';

/** Default and largest page of GET /speakers and GET /speakers/:id/statements. */
export const SPEAKERS_PAGE = { default: 50, max: 1000 } as const;

const isSpeakersCursor = (v: unknown): v is SpeakersCursor => {
  const c = v as SpeakersCursor;
  return !!c && typeof c === 'object' && typeof c.name === 'string' && typeof c.id === 'string' && /^[0-9a-f-]{36}$/.test(c.id);
};

/**
 * Speakers across stories. A speaker is a speakerId (uuid v5 of the
 * lower-cased canonical name, so the same across stories); counts are over
 * active statements (on a live timeline).
 */
@ApiTags('speakers')
@RequireScope('read')
@Controller()
export class SpeakersController {
  constructor(@Inject(QUERIES) private readonly q: ReadModelQueries) {}

  /**
   * `{ speakers: [{ speakerId, name, statementCount, storyCount }], nextCursor }`
   * in name order (byte order), then speakerId. `q`: words that must all
   * occur in the speaker's name (case-insensitive); `limit` 1-1000 (default
   * 50); `cursor`: nextCursor of the previous page. 400 naming the parameter.
   */
  @Get('speakers')
  @ApiOperation({ summary: 'List and search speakers (cursor-paged)' })
  @ApiQuery({ name: 'q', required: false, description: 'words that must all appear in the name (case-insensitive)', example: 'peskov' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${SPEAKERS_PAGE.max}, default ${SPEAKERS_PAGE.default}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ description: '{ speakers: [{ speakerId, name, statementCount, storyCount }], nextCursor }', schema: { example: SPEAKERS_EXAMPLE } })
  @ApiBadRequestResponse(BAD_REQUEST_RESPONSE)
  async list(@Query() query: Record<string, unknown>): Promise<{ speakers: SpeakerSummary[]; nextCursor: string | null }> {
    const limit = parseLimit(query.limit, SPEAKERS_PAGE.default, SPEAKERS_PAGE.max);
    const q = parseSearch(query.q);
    const after = parseCursor(query.cursor, 'speakers', isSpeakersCursor);
    const r = await this.q.searchSpeakers({ q, limit, after });
    const last = r.speakers[r.speakers.length - 1];
    return { speakers: r.speakers, nextCursor: r.more && last ? encodeCursor('speakers', { name: last.name, id: last.speakerId }) : null };
  }

  /**
   * One speaker's active statements across stories, in said_at order (the
   * timeline order: said_at, item day, item uri, offset, id):
   * `{ speaker, statements: (TimelineLine & { storyId })[], nextCursor }`;
   * `incoming` lists relations from the statement's own story. `limit` 1-1000
   * (default 50), `cursor` = nextCursor of the previous page. 404 when no
   * active statement has this speaker; 400 naming the parameter.
   */
  @Get('speakers/:id/statements')
  @ApiOperation({ summary: "One speaker's statements across stories, in said_at order (cursor-paged)" })
  @ApiParam({ name: 'id', description: 'speakerId (uuid)' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${SPEAKERS_PAGE.max}, default ${SPEAKERS_PAGE.default}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ description: '{ speaker: { speakerId, name, statementCount, storyCount }, statements: TimelineLine[], nextCursor }', schema: { example: SPEAKER_STATEMENTS_EXAMPLE } })
  @ApiBadRequestResponse(BAD_REQUEST_RESPONSE)
  @ApiNotFoundResponse({ description: 'No such speaker' })
  async statements(
    @Param('id', uuidParam()) id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<{ speaker: SpeakerSummary; statements: TimelineLine[]; nextCursor: string | null }> {
    const limit = parseLimit(query.limit, SPEAKERS_PAGE.default, SPEAKERS_PAGE.max);
    const after = parseCursor(query.cursor, 'speaker-statements', isTimelineCursor);
    const speaker = await this.q.getSpeaker(id.toLowerCase());
    if (!speaker) throw new NotFoundException(`no speaker ${id}`);
    const r = await this.q.speakerStatements(speaker.speakerId, limit, after);
    const last = r.statements[r.statements.length - 1];
    return { speaker, statements: r.statements, nextCursor: r.more && last ? encodeCursor('speaker-statements', timelineCursorOf(last)) : null };
  }
}

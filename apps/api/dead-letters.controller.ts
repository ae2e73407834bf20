import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { countDeadLetters, DeadLetter, listDeadLetters } from '@timeline/event-log';
import { RequireScope } from '@timeline/runtime';
import { HEALTH_DEPS, HealthDeps } from './health.controller';
import { BAD_REQUEST_RESPONSE } from './openapi.examples';
import { badParam, parseEnum, parseLimit, parseUuid, single } from './query-params';

/**
 * GET /dead-letters (scope `admin` when API_KEYS is set): what the writer
 * and the projector gave up on (table dead_letters). Redrive them with
 * `timeline dead-letters redrive [id…]`.
 */
@ApiTags('admin')
@RequireScope('admin')
@Controller()
export class DeadLettersController {
  constructor(@Inject(HEALTH_DEPS) private readonly deps: HealthDeps) {}

  /**
   * `{ pending: { total, bySource }, deadLetters: DeadLetter[] }`, newest
   * first: id, source ('writer' | 'projector:<name>'), subject, stream and
   * streamSeq (writer), eventId, globalPosition, streamId, storyId
   * (projector), error, attempts, payload (+ payloadEncoding utf8|base64),
   * firstFailedAt, lastFailedAt, redrivenAt.
   * 400 `{ statusCode, message, field }` names a malformed query parameter.
   */
  @Get('dead-letters')
  @ApiOperation({ summary: 'Dead letters of the writer and the projector' })
  @ApiQuery({ name: 'pending', required: false, description: 'true: only those not redriven since they last failed' })
  @ApiQuery({ name: 'source', required: false, description: "'writer' or 'projector:<name>'" })
  @ApiQuery({ name: 'storyId', required: false, description: 'only this story (uuid)' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiOkResponse({ description: '{ pending: { total, bySource }, deadLetters: [...] }' })
  @ApiBadRequestResponse(BAD_REQUEST_RESPONSE)
  @ApiUnauthorizedResponse({ description: 'no or unknown API key' })
  @ApiForbiddenResponse({ description: 'the key lacks scope admin' })
  async list(
    @Query('pending') pending?: string,
    @Query('source') source?: string,
    @Query('storyId') storyId?: string,
    @Query('limit') limit?: string,
  ): Promise<{ pending: { total: number; bySource: Record<string, number> }; deadLetters: DeadLetter[] }> {
    const pendingOnly = parseEnum(pending, 'pending', ['true', 'false'] as const) === 'true';
    const src = single('source', source);
    if (src !== undefined && !/^(writer|projector:[A-Za-z0-9_-]{1,64})$/.test(src)) {
      throw badParam('source', `source must be 'writer' or 'projector:<name>', got "${src}"`);
    }
    const story = parseUuid(storyId, 'storyId');
    const n = parseLimit(limit, 100, 1000);
    const schema = this.deps.log.schema;
    return {
      pending: await countDeadLetters(this.deps.pool, schema),
      deadLetters: await listDeadLetters(this.deps.pool, schema, { pendingOnly, source: src, storyId: story, limit: n }),
    };
  }
}

import { BadRequestException, Body, Controller, Get, HttpCode, Post, Req, ServiceUnavailableException } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { NormalizationError } from '@timeline/feeds';
import { InvalidEventError } from '@timeline/events';
import { JetStreamPublishError } from '@timeline/messaging';
import { IngestResult, IngestService } from './ingest.service';

/** HTTP entry point of the ingest app. */
@ApiTags('ingest')
@Controller()
export class ItemsController {
  constructor(private readonly ingest: IngestService) {}

  /**
   * Accept one wire item as ninjs JSON (1.x, 2.x or 3.x field names).
   * 202: `{ uri, version, storyId, statements, eventIds, duplicate }` — the
   * item's events are in JetStream (the log writer appends them shortly).
   * 400: malformed JSON or a bad field, named in `field`. 413: larger than
   * ITEM_MAX_BYTES. 503: the broker did not take it (retry later).
   */
  @Post('items')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ingest one wire item (ninjs JSON)' })
  @ApiBody({ description: 'An IPTC ninjs item', schema: { type: 'object', example: { uri: 'urn:newsml:example.org:20190604:x', version: '1', pubstatus: 'usable', firstcreated: '2019-06-04T15:02:00Z', versioncreated: '2019-06-04T15:02:00Z', headline: 'Kremlin contradicts Trump', body_text: '"No," Peskov said on Monday.' } } })
  @ApiAcceptedResponse({ description: 'Published to JetStream' })
  @ApiBadRequestResponse({ description: 'Malformed item; `field` names the problem field' })
  async postItem(@Body() body: unknown, @Req() req: Request): Promise<IngestResult> {
    const correlationId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    try {
      return await this.ingest.ingestNinjs(body, correlationId);
    } catch (err) {
      if (err instanceof NormalizationError || err instanceof InvalidEventError) {
        const field = err instanceof NormalizationError ? err.field : err.path;
        throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field, message: err.message });
      }
      if (err instanceof JetStreamPublishError) {
        throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: err.message });
      }
      throw err;
    }
  }

  /** Liveness of the ingest app. */
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }
}

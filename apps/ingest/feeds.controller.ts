import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { RequireScope } from '@timeline/runtime';
import { IngestThrottlerGuard } from './rate-limit';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConsumes, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { DocumentIngestResult, IngestService } from './ingest.service';
import { toHttpError } from './http-errors';

/** HTTP entry point for whole feed documents. */
@ApiTags('ingest')
@Controller()
export class FeedsController {
  constructor(private readonly ingest: IngestService) {}

  /**
   * Accept a whole feed document — RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (with
   * RFC 6721 tombstones as kills) or JSON Feed 1.0/1.1; any other supported
   * format is taken too — and ingest every entry.
   * The body is read raw (the encoding is decided in libs/feeds); the
   * `Content-Location` header (or `?url=`) gives the feed's URL, the base
   * for relative links and bare ids.
   * 202: `{ format, accepted, rejected, eventIds, items: [{ ok, index, uri, version, storyId, ... } | { ok: false, index, field, message }] }`.
   * 400: the document as a whole is unreadable (one-line `message`).
   * 401/403: no key / a key without scope `ingest` (when API_KEYS is set).
   * 429: over INGEST_RATE_LIMIT (Retry-After).
   * 413: larger than FEED_MAX_BYTES. 503: the broker did not take an item (retry; accepted items are deduplicated).
   */
  @Post('feeds')
  @RequireScope('ingest')
  @UseGuards(IngestThrottlerGuard)
  @HttpCode(202)
  @ApiOperation({ summary: 'Ingest a whole feed (RSS, Atom, JSON Feed): one outcome per entry' })
  @ApiConsumes('application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/xml', 'application/json')
  @ApiAcceptedResponse({ description: 'Every entry processed; see items[] for each outcome' })
  @ApiBadRequestResponse({ description: 'Unreadable document' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than FEED_MAX_BYTES' })
  async postFeed(@Body() body: unknown, @Req() req: Request): Promise<DocumentIngestResult> {
    const correlationId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body));
    const baseUrl = (req.headers['content-location'] as string | undefined) ?? (typeof req.query.url === 'string' ? req.query.url : undefined);
    try {
      return await this.ingest.ingestDocument(bytes, req.headers['content-type'], correlationId, { baseUrl });
    } catch (err) {
      throw toHttpError(err);
    }
  }
}

import { BadRequestException, Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { RequireScope } from '@timeline/runtime';
import { IngestThrottlerGuard } from './rate-limit';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConsumes, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { isJsonFeed } from '@timeline/feeds';
import { DocumentIngestResult, IngestResult, IngestService } from './ingest.service';
import { toHttpError } from './http-errors';

/** HTTP entry point of the ingest app. */
@ApiTags('ingest')
@Controller()
export class ItemsController {
  constructor(private readonly ingest: IngestService) {}

  /**
   * Accept one wire item: ninjs JSON (1.x, 2.x or 3.x field names), NewsML-G2
   * XML (a newsItem, or a newsMessage of several), or an HTML article page —
   * chosen by Content-Type, sniffed when the type is generic or missing.
   * An HTML page's URL may be given as `Content-Location`.
   * 202: `{ uri, version, storyId, statements, eventIds, duplicate }` — the
   * item's events are in JetStream (the log writer appends them shortly); a
   * document of several items answers `{ format, accepted, rejected, items: [...] }`.
   * 400: malformed input or a bad field, named in `field`. 413: larger than
   * ITEM_MAX_BYTES. 401/403: no key / a key without scope `ingest` (when
   * API_KEYS is set). 429: over INGEST_RATE_LIMIT (Retry-After). 503: the broker did not take it (retry later).
   */
  @Post('items')
  @RequireScope('ingest')
  @UseGuards(IngestThrottlerGuard)
  @HttpCode(202)
  @ApiOperation({ summary: 'Ingest one wire item (ninjs JSON, NewsML-G2 XML or an HTML page)' })
  @ApiConsumes('application/json', 'application/vnd.iptc.g2.newsitem+xml', 'application/xml', 'text/html')
  @ApiPayloadTooLargeResponse({ description: 'Larger than ITEM_MAX_BYTES' })
  @ApiBody({ description: 'An IPTC ninjs item', schema: { type: 'object', example: { uri: 'urn:newsml:example.org:20190604:x', version: '1', pubstatus: 'usable', firstcreated: '2019-06-04T15:02:00Z', versioncreated: '2019-06-04T15:02:00Z', headline: 'Kremlin denies report', body_text: '"There was no official message about this from the Russian side," Kremlin spokesman Dmitry Peskov told reporters on Monday.' } } })
  @ApiAcceptedResponse({ description: 'Published to JetStream' })
  @ApiBadRequestResponse({ description: 'Malformed item; `field` names the problem field' })
  async postItem(@Body() body: unknown, @Req() req: Request): Promise<IngestResult | DocumentIngestResult> {
    const correlationId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    try {
      if (!Buffer.isBuffer(body) && !isJsonFeed(body)) return await this.ingest.ingestNinjs(body, correlationId);
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      if (bytes.length === 0) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: '(document)', message: '(document): empty body' });
      const doc = await this.ingest.ingestDocument(bytes, req.headers['content-type'], correlationId, { baseUrl: req.headers['content-location'] as string | undefined });
      if (doc.items.length === 1) {
        const only = doc.items[0];
        if (only.ok) {
          const { ok: _ok, index: _index, ...result } = only;
          return result;
        }
        throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: only.field, message: only.message });
      }
      if (doc.accepted === 0) {
        const first = doc.items.find((o) => !o.ok) as { field: string; message: string } | undefined;
        throw new BadRequestException({ statusCode: 400, error: 'Bad Request', field: first?.field ?? '(document)', message: first?.message ?? '(document): no item in the document' });
      }
      return doc;
    } catch (err) {
      if (err instanceof BadRequestException) throw err;
      throw toHttpError(err);
    }
  }

  /** Liveness of the ingest app. */
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }
}

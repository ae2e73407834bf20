import { uuidParam } from './query-params';
import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { RequireScope } from '@timeline/runtime';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { STATEMENT_EXAMPLE } from './openapi.examples';
import { ReadModelQueries, StatementDetail } from '@timeline/read-model';
import { QUERIES } from './stories.controller';

/** One statement with its provenance. */
@ApiTags('statements')
@RequireScope('read')
@Controller()
export class StatementsController {
  constructor(@Inject(QUERIES) private readonly q: ReadModelQueries) {}

  /**
   * `{ statement, items: [{ uri, version, headline, bodyText }] }`: the
   * statement (any status) and the text of each item version its mentions
   * point into. Each `statement.mentions[i]` is `{ itemUri, itemVersion,
   * start, end }`: UTF-16 code-unit offsets (JavaScript string indexes, end
   * exclusive) into the `bodyText` of the item with that uri and version, so
   * `bodyText.slice(start, end)` is the reported sentence a page highlights.
   * bodyText is the item text as stored after ingest's cleaning. 404 for an
   * unknown statement.
   */
  @Get('statements/:id')
  @ApiOperation({ summary: 'A statement with provenance: item texts and character offsets' })
  @ApiParam({ name: 'id', description: 'statement id (uuid)' })
  @ApiOkResponse({
    description: '{ statement, items: [{ uri, version, headline, bodyText }] }; statement.mentions[].start/end are UTF-16 offsets into the matching item bodyText (end exclusive)',
    schema: { example: STATEMENT_EXAMPLE },
  })
  @ApiNotFoundResponse({ description: 'No such statement' })
  async get(@Param('id', uuidParam()) id: string): Promise<StatementDetail> {
    const d = await this.q.statement(id);
    if (!d) throw new NotFoundException(`no statement ${id}`);
    return d;
  }
}

import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { RequireScope } from '@timeline/runtime';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
   * statement and the text of each item version it is reported in; its
   * `mentions` are UTF-16 offsets into `bodyText`, so a page can highlight them.
   */
  @Get('statements/:id')
  @ApiOperation({ summary: 'A statement with provenance' })
  @ApiOkResponse({ description: 'statement and item texts' })
  @ApiNotFoundResponse({ description: 'No such statement' })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<StatementDetail> {
    const d = await this.q.statement(id);
    if (!d) throw new NotFoundException(`no statement ${id}`);
    return d;
  }
}

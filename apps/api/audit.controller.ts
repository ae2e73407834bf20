import { uuidParam } from './query-params';
import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequireScope } from '@timeline/runtime';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BoundError, parseBound, StatementHistory, TimelineDiff } from '@timeline/audit';
import type { VerifyReport } from '@timeline/event-log';
import { AUDIT, AuditService, rethrowHttp } from './audit.service';
import { mergedRedirect, redirectToSurvivor } from './stories.controller';

const http = { notFound: (m: string) => new NotFoundException(m), badRequest: (m: object) => new BadRequestException(m) };

/**
 * Audit endpoints: timeline diffs between two moments, statement histories
 * and hash-chain verification. All answers come from the log, replayed with
 * the projector's `evolve`, never from the live read-model tables.
 */
@ApiTags('audit')
@RequireScope('read')
@Controller()
export class AuditController {
  constructor(@Inject(AUDIT) private readonly audit: AuditService) {}

  /**
   * How a story's timeline changed between two moments. `from` and `to` are
   * each a global position (whole number) or an ISO 8601 recorded time.
   * Answer: `{ storyId, from, to, added, removed, changed }`; `from`/`to` state
   * the global position, stream position, recordedAt and event count they
   * reflect; each entry has `before`, `after` (statements, with saidAt = when
   * it was said), `changedFields` and `events` (the events in between that
   * touched it: eventId, type, positions, recordedAt, item uri/version, extractor).
   * 400 when a bound is malformed or from lies after to; 404 for an unknown story;
   * 308 to the survivor's diff (same query) for a story merged into another
   * (as the timeline route: a merged id answers for its survivor, whose
   * diff covers the union; the survivor is found in the log).
   */
  @Get('stories/:id/timeline/diff')
  @ApiOperation({ summary: 'Diff a story timeline between two moments (recorded times or global positions)' })
  @ApiParam({ name: 'id', description: 'story id (uuid)' })
  @ApiQuery({ name: 'from', required: true, description: 'global position (e.g. 120) or ISO 8601 recorded time (e.g. 2019-06-04T14:00:00Z)' })
  @ApiQuery({ name: 'to', required: false, description: 'same forms as from; default: the head of the stream' })
  @ApiOkResponse({ description: '{ storyId, from, to, added: DiffEntry[], removed: DiffEntry[], changed: DiffEntry[] }' })
  @ApiResponse(mergedRedirect)
  @ApiBadRequestResponse({ description: 'malformed from/to, or from after to' })
  @ApiNotFoundResponse({ description: 'No such story' })
  async diff(
    @Param('id', uuidParam()) id: string,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    let answer: TimelineDiff;
    try {
      if (from === undefined) throw new BoundError('from', 'from is required: a global position or an ISO 8601 recorded time');
      const toBound = to === undefined ? { kind: 'head' as const } : parseBound(to, 'to');
      const fromBound = parseBound(from, 'from');
      const r = await this.audit.diff(id, fromBound, toBound);
      if ('mergedInto' in r) return redirectToSurvivor(req, res, id, r.mergedInto);
      answer = r.diff;
    } catch (err) {
      rethrowHttp(err, http);
    }
    res.json(answer);
  }

  /**
   * Every event that touched a statement, oldest first: recorded, recorded
   * again by a newer item version, re-extracted, late version, superseded by
   * a corrected version, withdrawn by a kill, retracted by re-extraction,
   * related (another statement points at it), merged (its story was merged
   * into another: it moved to the survivor's timeline; the history follows
   * it over the story's merge family). Answer: `{ statementId, storyId (the
   * story holding it now: the survivor once merged), current, events: [{ kind,
   * eventId, type, globalPosition, streamPosition, recordedAt, itemUri,
   * itemVersion, pubstatus?, extractor?, statusAfter, relation? }] }`.
   * 404 when no event records the statement.
   */
  @Get('statements/:id/history')
  @ApiOperation({ summary: 'Every event that touched a statement' })
  @ApiParam({ name: 'id', description: 'statement id (uuid)' })
  @ApiOkResponse({ description: '{ statementId, storyId (the story holding it now: the survivor once its story was merged), current, events: HistoryEntry[] (kind: recorded, recorded_again, re_extracted, late_version, superseded, withdrawn, retracted, related, merged) }' })
  @ApiNotFoundResponse({ description: 'No such statement' })
  async history(@Param('id', uuidParam()) id: string): Promise<StatementHistory> {
    try {
      return await this.audit.history(id);
    } catch (err) {
      rethrowHttp(err, http);
    }
  }

  /**
   * Recompute every stream's hash chain from the genesis hash and compare
   * each stream's end with its sealed head. Answer (always 200; read `ok`):
   * `{ ok, streamsChecked, eventsChecked, firstProblem?: { streamId,
   * streamPosition, kind, message }, problems, headsDigest, durationMs,
   * eventsPerSecond }`. Kinds: hash_mismatch (edited or forged row),
   * prev_hash_mismatch / position_gap (deleted or inserted middle row),
   * head_mismatch (newest rows deleted, or appended behind the writer's
   * back), missing_head. Keep `headsDigest` outside the database to catch a
   * rewrite of rows and heads together. Needs an `admin` key when API_KEYS
   * is set (it reads the whole log).
   */
  @Get('audit/verify')
  @RequireScope('admin')
  @ApiOperation({ summary: 'Verify the hash chains of the whole log (tamper evidence)' })
  @ApiOkResponse({ description: '{ ok, streamsChecked, eventsChecked, firstProblem?, problems, headsDigest, durationMs, eventsPerSecond }' })
  verify(): Promise<VerifyReport & { durationMs: number; eventsPerSecond: number }> {
    return this.audit.verify();
  }
}

import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { PgEventLog, quoteSchema } from '@timeline/event-log';
import { TIMELINE_PROJECTION } from '@timeline/read-model';

export const HEALTH_DEPS = Symbol('HealthDeps');
export interface HealthDeps {
  pool: Pool;
  log: PgEventLog;
  nc: NatsConnection;
  /** The projector counts as stuck when it is behind and its checkpoint has not moved for this long (s). */
  stuckAfterSeconds: number;
}

/**
 * GET /health (terminus): Postgres answers, NATS is connected, and the
 * timeline projector's lag (events behind the log head, and seconds since
 * the checkpoint last moved while behind). 503 when any check fails.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(HEALTH_DEPS) private readonly deps: HealthDeps,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Postgres, NATS and projector lag' })
  @ApiOkResponse({ description: 'healthy' })
  @ApiServiceUnavailableResponse({ description: 'a dependency is down or the projector is stuck' })
  check() {
    return this.health.check([() => this.postgres(), () => this.nats(), () => this.projector()]);
  }

  private async postgres(): Promise<HealthIndicatorResult> {
    const i = this.indicator.check('postgres');
    try {
      await this.deps.pool.query('SELECT 1');
      return i.up();
    } catch (err) {
      return i.down({ message: (err as Error).message });
    }
  }

  private async nats(): Promise<HealthIndicatorResult> {
    const i = this.indicator.check('nats');
    return this.deps.nc.isClosed() ? i.down({ message: 'connection closed' }) : i.up({ server: this.deps.nc.getServer() });
  }

  private async projector(): Promise<HealthIndicatorResult> {
    const i = this.indicator.check('projector');
    try {
      const s = await this.deps.log.stats(TIMELINE_PROJECTION);
      const q = quoteSchema(this.deps.log.schema);
      // Seconds behind = age of the oldest event not yet applied; the
      // checkpoint's own updated_at tells whether the projector is moving,
      // whichever API process asks (no in-memory clock).
      const r = await this.deps.pool.query<{ oldest: Date | null; moved: Date | null }>(
        `SELECT (SELECT min(e.recorded_at) FROM ${q}.events e
                  WHERE (e.transaction_id, e.global_position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))) AS oldest,
                c.updated_at AS moved
           FROM (SELECT 1) one LEFT JOIN ${q}.checkpoints c ON c.name = $1`,
        [TIMELINE_PROJECTION],
      );
      const now = Date.now();
      const oldest = r.rows[0]?.oldest ? new Date(r.rows[0].oldest).getTime() : null;
      const moved = r.rows[0]?.moved ? new Date(r.rows[0].moved).getTime() : null;
      const secondsBehind = s.eventsBehind === 0 || oldest === null ? 0 : Math.max(0, Math.round((now - oldest) / 1000));
      const stalledSeconds = s.eventsBehind === 0 ? 0 : Math.round((now - Math.max(moved ?? 0, oldest ?? now)) / 1000);
      const details = { eventsBehind: s.eventsBehind, secondsBehind, checkpoint: s.checkpoint.globalPosition, head: s.lastGlobalPosition };
      const stuck = s.eventsBehind > 0 && stalledSeconds > this.deps.stuckAfterSeconds;
      return stuck ? i.down({ ...details, message: `projector made no progress for ${stalledSeconds} s while ${s.eventsBehind} events behind` }) : i.up(details);
    } catch (err) {
      return i.down({ message: (err as Error).message });
    }
  }
}

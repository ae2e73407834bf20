import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { PgEventLog } from '@timeline/event-log';
import { TIMELINE_PROJECTION } from '@timeline/read-model';

export const HEALTH_DEPS = Symbol('HealthDeps');
export interface HealthDeps {
  pool: Pool;
  log: PgEventLog;
  nc: NatsConnection;
  /** Events behind above which the projector counts as stuck when it also made no progress. */
  maxLagEvents: number;
}

/**
 * GET /health (terminus): Postgres answers, NATS is connected, and the
 * timeline projector's lag (events behind the log head, and seconds since
 * the checkpoint last moved while behind). 503 when any check fails.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private lastCheckpoint = '';
  private lastMovedAt = Date.now();

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
      const cp = s.checkpoint.globalPosition;
      if (cp !== this.lastCheckpoint || s.eventsBehind === 0) {
        this.lastCheckpoint = cp;
        this.lastMovedAt = Date.now();
      }
      const stalledSeconds = s.eventsBehind === 0 ? 0 : Math.round((Date.now() - this.lastMovedAt) / 1000);
      const details = { eventsBehind: s.eventsBehind, secondsBehind: stalledSeconds, checkpoint: cp, head: s.lastGlobalPosition };
      const stuck = s.eventsBehind > 0 && stalledSeconds > 30;
      return stuck ? i.down({ ...details, message: 'projector made no progress for 30 s while behind' }) : i.up(details);
    } catch (err) {
      return i.down({ message: (err as Error).message });
    }
  }
}

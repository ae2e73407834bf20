import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import type { JetStreamManager } from '@nats-io/jetstream';
import { countDeadLetters, PgEventLog, quoteSchema } from '@timeline/event-log';
import { TIMELINE_PROJECTION } from '@timeline/read-model';

export const HEALTH_DEPS = Symbol('HealthDeps');
export interface HealthDeps {
  pool: Pool;
  log: PgEventLog;
  nc: NatsConnection;
  /** The projector counts as stuck when it is behind and its checkpoint has not moved for this long (s; PROJECTOR_STUCK_AFTER_S). */
  stuckAfterSeconds: number;
  /** The writer's durable consumer, for its pending counts (unset: not reported). */
  consumer?: { jsm: JetStreamManager; stream: string; durable: string };
}

/**
 * GET /health (terminus): Postgres answers, NATS is connected, the timeline
 * projector's lag (`eventsBehind` the log head, `secondsBehind` = age of the
 * oldest event not applied yet, `stalledSeconds` = how long the checkpoint
 * has not moved while events are pending), the writer's JetStream consumer
 * (`pending` = messages not yet delivered, `ackPending` = delivered, not yet
 * acked, `redelivered`), and the dead letters not redriven (`pending`, per
 * source). 503 when Postgres or NATS is down, or when the projector is
 * stuck: events pending and its checkpoint unmoved for more than
 * PROJECTOR_STUCK_AFTER_S seconds (a dead process, a hung transaction, a
 * lock held). Dead letters and consumer backlog are reported, not fatal.
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
    return this.health.check([() => this.postgres(), () => this.nats(), () => this.projector(), () => this.consumer(), () => this.deadLetters()]);
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
      const details = { eventsBehind: s.eventsBehind, secondsBehind, stalledSeconds, stuckAfterSeconds: this.deps.stuckAfterSeconds, checkpoint: s.checkpoint.globalPosition, head: s.lastGlobalPosition };
      const stuck = s.eventsBehind > 0 && stalledSeconds > this.deps.stuckAfterSeconds;
      return stuck ? i.down({ ...details, message: `projector made no progress for ${stalledSeconds} s while ${s.eventsBehind} events behind` }) : i.up(details);
    } catch (err) {
      return i.down({ message: (err as Error).message });
    }
  }

  private async consumer(): Promise<HealthIndicatorResult> {
    const i = this.indicator.check('consumer');
    const c = this.deps.consumer;
    if (!c) return i.up({ message: 'not configured' });
    try {
      const info = await c.jsm.consumers.info(c.stream, c.durable);
      return i.up({ durable: c.durable, pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered });
    } catch (err) {
      // No consumer yet (no writer has started): reported, not fatal; the stream keeps the messages.
      return i.up({ durable: c.durable, message: `no consumer info: ${(err as Error).message}` });
    }
  }

  private async deadLetters(): Promise<HealthIndicatorResult> {
    const i = this.indicator.check('deadLetters');
    try {
      const n = await countDeadLetters(this.deps.pool, this.deps.log.schema);
      return i.up({ pending: n.total, bySource: n.bySource });
    } catch (err) {
      return i.down({ message: (err as Error).message });
    }
  }
}

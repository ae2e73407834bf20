import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import type { DynamicModule } from '@nestjs/common';

/**
 * Rate limit of the ingest routes (@nestjs/throttler, in memory per
 * process): INGEST_RATE_LIMIT requests per 60 s per API key (by its name),
 * or per client IP when no key is used. Over the limit: 429
 * `{ statusCode, message }` with `Retry-After` (seconds). Runs after the
 * API-key guard, which puts the key's name on the request.
 */
@Injectable()
export class IngestThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    return req.apiKeyName ? `key:${req.apiKeyName}` : `ip:${req.ip}`;
  }

  protected override async getErrorMessage(_ctx: ExecutionContext, d: ThrottlerLimitDetail): Promise<string> {
    return `rate limit: more than ${d.limit} ingest requests in ${Math.round(d.ttl / 1000)} s from ${d.tracker.startsWith('key:') ? `API key "${d.tracker.slice(4)}"` : 'this address'}; retry after ${d.timeToBlockExpire} s`;
  }
}

/** The throttler configuration: `limit` requests per minute; 0 = no limit. */
export function ingestThrottler(limit: number): DynamicModule {
  return ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: Math.max(1, limit) }], skipIf: () => limit === 0 });
}

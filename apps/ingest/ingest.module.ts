import { DynamicModule, Module } from '@nestjs/common';
import { IngestDeps, IngestService, INGEST_DEPS } from './ingest.service';
import { ItemsController } from './items.controller';
import { FeedsController } from './feeds.controller';
import { ApiKeyModule, authOptions } from '@timeline/runtime';
import { ingestThrottler } from './rate-limit';

/** Nest module of the ingest app; POST routes need an `ingest` key (when API_KEYS is set) and are rate-limited (INGEST_RATE_LIMIT). */
@Module({})
export class IngestModule {
  static register(deps: IngestDeps): DynamicModule {
    return {
      module: IngestModule,
      imports: [ApiKeyModule.register(authOptions(deps.cfg), 'Ingest'), ingestThrottler(deps.cfg.ingestRateLimit)],
      controllers: [ItemsController, FeedsController], providers: [{ provide: INGEST_DEPS, useValue: deps }, IngestService] };
  }
}

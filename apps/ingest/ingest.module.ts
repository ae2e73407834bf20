import { DynamicModule, Module } from '@nestjs/common';
import { IngestDeps, IngestService, INGEST_DEPS } from './ingest.service';
import { ItemsController } from './items.controller';
import { FeedsController } from './feeds.controller';

/** Nest module of the ingest app. */
@Module({})
export class IngestModule {
  static register(deps: IngestDeps): DynamicModule {
    return { module: IngestModule, controllers: [ItemsController, FeedsController], providers: [{ provide: INGEST_DEPS, useValue: deps }, IngestService] };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { IngestDeps, IngestService, INGEST_DEPS } from './ingest.service';
import { ItemsController } from './items.controller';

/** Nest module of the ingest app. */
@Module({})
export class IngestModule {
  static register(deps: IngestDeps): DynamicModule {
    return { module: IngestModule, controllers: [ItemsController], providers: [{ provide: INGEST_DEPS, useValue: deps }, IngestService] };
  }
}

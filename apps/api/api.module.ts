import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReadModelQueries } from '@timeline/read-model';
import { StoriesController, QUERIES } from './stories.controller';
import { StatementsController } from './statements.controller';
import { HealthController, HealthDeps, HEALTH_DEPS } from './health.controller';

/** Nest module of the read API. */
@Module({})
export class ApiModule {
  static register(queries: ReadModelQueries, health: HealthDeps): DynamicModule {
    return {
      module: ApiModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
      controllers: [StoriesController, StatementsController, HealthController],
      providers: [{ provide: QUERIES, useValue: queries }, { provide: HEALTH_DEPS, useValue: health }],
    };
  }
}

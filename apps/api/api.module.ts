import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuditQueries, ReadModelQueries } from '@timeline/read-model';
import { StoriesController, QUERIES } from './stories.controller';
import { StatementsController } from './statements.controller';
import { HealthController, HealthDeps, HEALTH_DEPS } from './health.controller';
import { AuditController } from './audit.controller';
import { AUDIT, AuditService } from './audit.service';
import { DeadLettersController } from './dead-letters.controller';
import { ApiKeyModule, AuthOptions } from '@timeline/runtime';

/** Nest module of the read API (read model, audit replay and verification, dead letters); `auth` = API keys (default: none, every route open). */
@Module({})
export class ApiModule {
  static register(queries: ReadModelQueries, health: HealthDeps, auth: AuthOptions = { keys: [], readRequiresKey: false }): DynamicModule {
    return {
      module: ApiModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }), ApiKeyModule.register(auth, 'Api')],
      controllers: [AuditController, StoriesController, StatementsController, HealthController, DeadLettersController],
      providers: [
        { provide: QUERIES, useValue: queries },
        { provide: HEALTH_DEPS, useValue: health },
        { provide: AUDIT, useValue: new AuditService(health.log, new AuditQueries(health.pool, health.log.schema)) },
      ],
    };
  }
}

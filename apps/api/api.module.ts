import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuditQueries, ReadModelQueries } from '@timeline/read-model';
import { StoriesController, LIVE_HEADS, QUERIES, TIMELINE_READER } from './stories.controller';
import { LiveHeads } from './live-heads';
import { SpeakersController } from './speakers.controller';
import { STORY_EVENTS, StoryEvents, StoryEventsOptions } from './story-events';
import { TimelineReader } from './timeline.reader';
import { StatementsController } from './statements.controller';
import { HealthController, HealthDeps, HEALTH_DEPS } from './health.controller';
import { AuditController } from './audit.controller';
import { AUDIT, AuditService } from './audit.service';
import { DeadLettersController } from './dead-letters.controller';
import { ApiKeyModule, AuthOptions } from '@timeline/runtime';

/**
 * Nest module of the read API (read model, audit replay and verification, dead letters).
 * `events`: where the SSE hub hears the projector's announcements (default: polling only when no `nc`);
 * `auth` = API keys (default: none, every route open).
 */
@Module({})
export class ApiModule {
  static register(
    queries: ReadModelQueries,
    health: HealthDeps,
    events: StoryEventsOptions = { subject: 'timeline.timeline.updated' },
    auth: AuthOptions = { keys: [], readRequiresKey: false },
  ): DynamicModule {
    return {
      module: ApiModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }), ApiKeyModule.register(auth, 'Api')],
      controllers: [AuditController, StoriesController, SpeakersController, StatementsController, HealthController, DeadLettersController],
      providers: [
        { provide: QUERIES, useValue: queries },
        { provide: TIMELINE_READER, useValue: new TimelineReader(queries) },
        { provide: LIVE_HEADS, useValue: new LiveHeads((ids) => queries.liveHeads(ids)) },
        { provide: STORY_EVENTS, useFactory: () => new StoryEvents((ids) => queries.storyHeads(ids), events) },
        { provide: HEALTH_DEPS, useValue: health },
        { provide: AUDIT, useValue: new AuditService(health.log, new AuditQueries(health.pool, health.log.schema)) },
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import type { Database } from '@timeline/runtime';
import { APPENDER, WriterController } from './writer.controller';
import { BatchingAppender } from './batching-appender';

/** Nest module of the event-log writer: the controller and its batching appender. */
@Module({})
export class WriterModule {
  static register(appender: BatchingAppender): DynamicModule {
    return { module: WriterModule, controllers: [WriterController], providers: [{ provide: APPENDER, useValue: appender }] };
  }
}
export type { Database };

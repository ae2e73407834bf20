import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { InvalidEventError, NewEvent, validateNewEvent } from '@timeline/events';
import { JetStreamContext, PermanentError } from '@timeline/messaging';
import { loadConfig } from '@timeline/config';
import { BatchingAppender } from './batching-appender';

/** Subject the ingest publishes item messages on (read once, at start-up). */
export const ITEMS_SUBJECT = loadConfig().itemsSubject;

/**
 * One JetStream message = the events of one wire item version,
 * `{ events: NewEvent[] }`, published with msgID = the item event's id.
 */
export interface ItemMessage {
  events: unknown[];
}

export const APPENDER = Symbol('BatchingAppender');

/**
 * The event-log writer's only handler: validate the message's events and
 * append them (batched with other messages in one transaction). The promise
 * resolves after COMMIT, so the transport acks only then; an invalid message
 * is a PermanentError (dead-lettered, never retried); any other failure
 * (database down) rejects and the transport naks with backoff.
 */
@Controller()
export class WriterController {
  private readonly logger = new Logger('EventLogWriter');
  constructor(@Inject(APPENDER) private readonly appender: BatchingAppender) {}

  @EventPattern(ITEMS_SUBJECT)
  async onItemEvents(@Payload() msg: ItemMessage, @Ctx() ctx: JetStreamContext): Promise<void> {
    let events: NewEvent[];
    try {
      if (!msg || !Array.isArray(msg.events) || msg.events.length === 0) {
        throw new InvalidEventError('message has no "events" array', 'events');
      }
      events = msg.events.map((e) => validateNewEvent(e));
    } catch (err) {
      throw new PermanentError(`rejected message on ${ctx.getSubject?.() ?? ITEMS_SUBJECT}: ${(err as Error).message}`);
    }
    const results = await this.appender.append(events);
    const appended = results.filter((r) => r.status === 'appended').length;
    this.logger.debug(`appended ${appended}, duplicate ${results.length - appended}`);
  }
}

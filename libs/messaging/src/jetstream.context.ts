import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from './nats';

/** Arguments held by a {@link JetStreamContext}: the JetStream message. */
export type JetStreamContextArgs = [JsMsg];

/**
 * The second argument of an `@EventPattern` handler served by
 * {@link JetStreamServer} (inject it with `@Ctx()`):
 *
 * ```ts
 * @EventPattern('timeline.events.story')
 * async onEvent(@Payload() event: StoredEvent, @Ctx() ctx: JetStreamContext) {
 *   ctx.getDeliveryCount(); // 1 on first delivery
 * }
 * ```
 *
 * Do not ack/nak/term through {@link getMessage}: the server acks after the
 * handler resolves and naks/dead-letters when it rejects.
 */
export class JetStreamContext extends BaseRpcContext<JetStreamContextArgs> {
  /** The raw JetStream message (subject, headers, `info`, `seq`, `data`). */
  getMessage(): JsMsg {
    return this.args[0];
  }

  /** The subject the message was published to (the handler's pattern). */
  getSubject(): string {
    return this.args[0].subject;
  }

  /** How many times this message has been delivered, 1 on the first delivery. */
  getDeliveryCount(): number {
    return this.args[0].info.deliveryCount;
  }

  /** True when this is not the first delivery. */
  isRedelivered(): boolean {
    return this.args[0].info.deliveryCount > 1;
  }

  /** The message's sequence number in the stream. */
  getStreamSequence(): number {
    return this.args[0].seq;
  }

  /** The `Nats-Msg-Id` the publisher set (the event id), if any. */
  getMsgId(): string | undefined {
    return this.args[0].headers?.get('Nats-Msg-Id') || undefined;
  }

  /** The message headers, if any. */
  getHeaders(): MsgHdrs | undefined {
    return this.args[0].headers;
  }

  /**
   * Tells the server the message is still being processed, resetting its ack
   * wait. The server already does this periodically while the handler runs
   * (see `JetStreamServerOptions.workingIntervalMs`); call it yourself only
   * for very long steps.
   */
  working(): void {
    this.args[0].working();
  }
}

/**
 * Messaging adapter: a NestJS custom transport on NATS JetStream (durable
 * pull consumer, ack after the handler resolves, nak with backoff, dead
 * letters), a JetStream client proxy with msgID dedupe, and a core-NATS
 * wake-up notifier. See DESIGN.md decision 2.
 */
export { jetstream, jetstreamManager } from '@nats-io/jetstream';
export type { ConsumerInfo, JetStreamManager, JsMsg, PubAck, StreamInfo } from '@nats-io/jetstream';
export type { NatsConnection, MsgHdrs } from './nats';
export {
  DEFAULT_NATS_URL,
  connectNats,
  natsServersFromEnv,
  resolveNatsOptions,
  type NatsConnectOptions,
} from './connection';
export {
  JetStreamExceptionFilter,
  JetStreamPublishError,
  NatsConnectError,
  PermanentError,
  isPermanentError,
} from './errors';
export {
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_MAX_ACK_PENDING,
  DEFAULT_MAX_DELIVER,
  JetStreamRecord,
  consumerConfigFor,
  ensureConsumer,
  ensureStream,
  explainPublishError,
  publishToJetStream,
  subjectMatches,
  toHeaders,
  type ConsumerSpec,
  type PublishOptions,
  type StreamSpec,
} from './jetstream';
export { JetStreamContext, type JetStreamContextArgs } from './jetstream.context';
export {
  DeadLetterHeaders,
  JETSTREAM_TRANSPORT,
  JetStreamServer,
  describeError,
  type DeadLetterReason,
  type DeadLetterRecord,
  type JetStreamServerEvents,
  type JetStreamServerOptions,
  type JetStreamServerStatus,
} from './jetstream.server';
export { JetStreamClient, type JetStreamClientOptions } from './jetstream.client';
export { LogNotifier, type NotifierSubscription } from './log-notifier';

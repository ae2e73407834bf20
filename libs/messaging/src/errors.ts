import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';

/**
 * An error that retrying can never fix (a malformed event, a violated
 * invariant, an unknown event type). Throw it from an `@EventPattern`
 * handler and {@link JetStreamServer} publishes the message to the
 * dead-letter subject and then `term()`s it, instead of `nak`-ing it for
 * another delivery.
 *
 * It extends Nest's `RpcException` (itself an `Error`) and returns itself
 * from `getError()`, so Nest's default RPC exception filter re-throws this
 * very instance and the transport still recognises it. Any other error
 * thrown by a handler is treated as transient (database down, timeout ...)
 * and redelivered with backoff.
 *
 * Code that must not import Nest can mark an ordinary error as permanent by
 * setting `permanent = true` on it (see {@link isPermanentError}); that
 * only reaches the transport intact when the handler's exception filter
 * passes errors through, e.g. {@link JetStreamExceptionFilter}.
 */
export class PermanentError extends RpcException {
  /** Brand checked by {@link isPermanentError}; survives realm/copy boundaries. */
  readonly permanent = true as const;

  /**
   * @param message why the message can never be processed.
   * @param options.cause the underlying error, if any.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'PermanentError';
    if (options && 'cause' in options) {
      (this as { cause?: unknown }).cause = options.cause;
    }
  }

  /** Returns this instance so Nest's RPC exception filter re-throws it unchanged. */
  override getError(): object {
    return this;
  }
}

/**
 * True when `err` must not be retried: a {@link PermanentError}, or any
 * object carrying `permanent: true`.
 */
export function isPermanentError(err: unknown): boolean {
  return (
    err instanceof PermanentError ||
    (typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true)
  );
}

/**
 * An RPC exception filter that re-throws whatever a handler threw, unchanged.
 *
 * Nest's default RPC filter replaces every error that is not an
 * `RpcException` with `{ status: 'error', message: 'Internal server error' }`,
 * so the transport (and the dead-letter headers) would lose the real error
 * message and any `permanent: true` mark. Install this filter on the
 * JetStream microservice to keep them:
 *
 * ```ts
 * const app = await NestFactory.createMicroservice(WriterModule, { strategy });
 * app.useGlobalFilters(new JetStreamExceptionFilter());
 * ```
 * or per controller with `@UseFilters(new JetStreamExceptionFilter())`.
 * {@link JetStreamServer} logs each failure itself.
 */
@Catch()
export class JetStreamExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Thrown by {@link publishToJetStream} / {@link JetStreamClient} when the
 * broker did not store a message (no stream captures the subject, JetStream
 * is disabled, timeout waiting for the PubAck, ...). `cause` is the NATS error.
 */
export class JetStreamPublishError extends Error {
  /**
   * @param message human-readable explanation naming the subject.
   * @param subject the subject that was published to.
   * @param cause the underlying NATS/JetStream error.
   */
  constructor(
    message: string,
    readonly subject: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'JetStreamPublishError';
  }
}

/** Thrown by {@link connectNats} when no NATS server answers (or it refuses the credentials). */
export class NatsConnectError extends Error {
  /**
   * @param message human-readable explanation (names the URL and how to fix it).
   * @param servers the server URLs that were tried.
   * @param cause the underlying NATS error.
   */
  constructor(
    message: string,
    readonly servers: string[],
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'NatsConnectError';
  }
}

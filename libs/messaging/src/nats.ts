/**
 * Typed access to the NATS core API through `@nats-io/transport-node`.
 *
 * `@nats-io/transport-node` re-exports `@nats-io/nats-core/internal`, a
 * subpath the project's `moduleResolution: node` cannot see, so its types
 * collapse to `any`. The values are taken from transport-node at run time
 * (the same module instances, so `instanceof` on its errors holds) and typed
 * with the `@nats-io/nats-core` declarations (type-only import, erased).
 * @internal
 */
import * as transport from '@nats-io/transport-node';
import type * as core from '@nats-io/nats-core';

export type { ConnectionOptions, Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/nats-core';

const natsCore = transport as unknown as typeof core;

/** `connect()` of `@nats-io/transport-node`, typed. */
export const connect = transport.connect as unknown as (opts?: core.ConnectionOptions) => Promise<core.NatsConnection>;
/** Creates an empty NATS header set. */
export const headers = natsCore.headers;
/** Milliseconds → nanoseconds (JetStream API durations). */
export const nanos = natsCore.nanos;
/** Nanoseconds → milliseconds. */
export const millis = natsCore.millis;
/** NATS error classes (`errors.TimeoutError`, `errors.RequestError`, ...). */
export const errors = natsCore.errors;
/** Authenticator from a NATS credentials file's bytes (user JWT + nkey seed). */
export const credsAuthenticator = natsCore.credsAuthenticator;
/** Authenticator from an nkey user seed. */
export const nkeyAuthenticator = natsCore.nkeyAuthenticator;

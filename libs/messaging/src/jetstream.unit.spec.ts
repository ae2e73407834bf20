import {
  JetStreamRecord,
  PermanentError,
  consumerConfigFor,
  describeError,
  isPermanentError,
  natsServersFromEnv,
  resolveNatsOptions,
  subjectMatches,
} from './index';

describe('subjectMatches', () => {
  it.each([
    ['a.b.c', 'a.b.c', true],
    ['a.b.c', 'a.b', false],
    ['a.*.c', 'a.x.c', true],
    ['a.*.c', 'a.x.y.c', false],
    ['a.>', 'a.b', true],
    ['a.>', 'a.b.c.d', true],
    ['a.>', 'a', false],
    ['*', 'a', true],
    ['*', 'a.b', false],
  ])('%s vs %s -> %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('consumerConfigFor', () => {
  it('makes an explicit-ack durable pull consumer with maxDeliver + 1 on the server', () => {
    expect(consumerConfigFor({ durable: 'w', ackWaitMs: 1500, maxDeliver: 5, filterSubjects: ['x.>'] })).toEqual({
      durable_name: 'w',
      ack_policy: 'explicit',
      deliver_policy: 'all',
      ack_wait: 1_500_000_000,
      max_deliver: 6,
      max_ack_pending: 1000,
      filter_subject: 'x.>',
    });
  });

  it('maxDeliver <= 0 means unlimited; several filters use filter_subjects', () => {
    const cfg = consumerConfigFor({ durable: 'w', maxDeliver: 0, filterSubjects: ['a', 'b'] });
    expect(cfg.max_deliver).toBe(-1);
    expect(cfg.filter_subjects).toEqual(['a', 'b']);
    expect(cfg.filter_subject).toBeUndefined();
  });
});

describe('errors', () => {
  it('PermanentError is an Error, is recognised, and survives Nest RPC filters as itself', () => {
    const e = new PermanentError('bad event', { cause: new Error('root') });
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('bad event');
    expect(e.name).toBe('PermanentError');
    expect(e.getError()).toBe(e);
    expect(isPermanentError(e)).toBe(true);
    expect(isPermanentError(Object.assign(new Error('x'), { permanent: true }))).toBe(true);
    expect(isPermanentError(new Error('x'))).toBe(false);
    expect(isPermanentError({ status: 'error', message: 'Internal server error' })).toBe(false);
  });

  it('describeError handles errors, Nest error objects and strings', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError({ status: 'error', message: 'Internal server error' })).toBe('Internal server error');
    expect(describeError('plain')).toBe('plain');
  });
});

describe('JetStreamRecord and connection options', () => {
  it('carries data and msgID', () => {
    const r = new JetStreamRecord({ a: 1 }, { msgID: 'id-1' });
    expect(r.data).toEqual({ a: 1 });
    expect(r.options.msgID).toBe('id-1');
  });

  it('reads NATS_* from the environment', () => {
    const o = resolveNatsOptions({ env: { NATS_URL: 'nats://h:1', NATS_USER: 'u', NATS_PASSWORD: 'p' } });
    expect(o).toMatchObject({ servers: ['nats://h:1'], user: 'u', pass: 'p', maxReconnectAttempts: -1 });
    expect(natsServersFromEnv('nats://x:2', { NATS_URL: 'nats://h:1' })).toEqual(['nats://x:2']);
  });
});

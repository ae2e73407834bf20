import type { NextFunction, Request, Response } from 'express';
import { hashApiKey, parseApiKeys } from '@timeline/runtime';
import { LiveHeads } from './live-heads';
import { liveTimelineFastPath } from './live-timeline';
import { TimelineReader } from './timeline.reader';

const ID = '0b6c3a52-5d3e-5f0a-9d1e-7c2b4a6e8f10';

/** Fakes: a head query that counts its calls, a reader with one canned answer, a recording response. */
function setup(head: { position: string; mergedInto?: string } | null = { position: '42' }) {
  const calls = { heads: 0 };
  const heads = new LiveHeads(async (ids) => {
    calls.heads += 1;
    return new Map(head ? ids.map((id) => [id, { position: head.position, missingEvents: [], mergedInto: head.mergedInto ?? null }]) : []);
  });
  const reader = { answer: async () => ({ etag: '"tl1-42-x"', body: Buffer.from('{"missingEvents":[]}') }) } as unknown as TimelineReader;
  const sent: { status?: number; headers: Record<string, string>; body?: Buffer } = { headers: {} };
  const res = {
    setHeader: (k: string, v: string) => void (sent.headers[k.toLowerCase()] = v),
    status(n: number) {
      sent.status = n;
      return this;
    },
    end: (b?: Buffer) => void (sent.body = b),
  } as unknown as Response;
  return { calls, deps: { heads, reader }, res, sent };
}

function run(mw: ReturnType<typeof liveTimelineFastPath>, req: Partial<Request>, res: Response): Promise<'next' | 'served'> {
  return new Promise((resolve) => {
    const next: NextFunction = () => resolve('next');
    mw({ method: 'GET', path: `/stories/${ID}/timeline`, query: {}, headers: {}, ...req } as Request, res, next);
    setTimeout(() => resolve('served'), 50);
  });
}

const open = { keys: [], readRequiresKey: false };
const keyed = (readRequiresKey: boolean) => ({ keys: parseApiKeys(`reader:read:${hashApiKey('k'.repeat(32))}`), readRequiresKey });

describe('liveTimelineFastPath (the live timeline read in front of the Nest routes)', () => {
  it('serves the plain live read: 200, the cached body, ETag, no-cache', async () => {
    const s = setup();
    expect(await run(liveTimelineFastPath(s.deps, open), {}, s.res)).toBe('served');
    expect(s.sent.status).toBe(200);
    expect(s.sent.headers.etag).toBe('"tl1-42-x"');
    expect(s.sent.headers['cache-control']).toBe('no-cache');
    expect(String(s.sent.body)).toBe('{"missingEvents":[]}');
  });

  it('answers 304 when If-None-Match matches', async () => {
    const s = setup();
    const etag = TimelineReader.etag('42', { limit: 100, cursor: null, missing: [] });
    expect(await run(liveTimelineFastPath(s.deps, open), { headers: { 'if-none-match': etag } }, s.res)).toBe('served');
    expect(s.sent.status).toBe(304);
    expect(s.sent.body).toBeUndefined();
  });

  it.each([
    ['a key is required for reads', keyed(true), {}],
    ['a key is presented (the guard must check it)', keyed(false), { headers: { 'x-api-key': 'wrong' } }],
    ['an as-of replay', open, { query: { asOf: '2024-01-01T00:00:00Z' } }],
    ['a bad parameter (the controller answers 400 naming it)', open, { query: { limit: '0' } }],
    ['another method', open, { method: 'POST' }],
    ['a malformed id', open, { path: '/stories/not-a-uuid/timeline' }],
  ])('leaves it to the controller when %s, without a head query', async (_why, auth, req) => {
    const s = setup();
    expect(await run(liveTimelineFastPath(s.deps, auth), req as Partial<Request>, s.res)).toBe('next');
    expect(s.calls.heads).toBe(0);
    expect(s.sent.status).toBeUndefined();
  });

  it('leaves an unknown story to the controller (its 404)', async () => {
    const s = setup(null);
    expect(await run(liveTimelineFastPath(s.deps, open), {}, s.res)).toBe('next');
    expect(s.sent.status).toBeUndefined();
  });

  it('leaves a merged story to the controller (its 308 to the survivor), writing nothing', async () => {
    const s = setup({ position: '42', mergedInto: 'cccccccc-0000-4000-8000-000000000003' });
    expect(await run(liveTimelineFastPath(s.deps, open), {}, s.res)).toBe('next');
    expect(s.sent.status).toBeUndefined();
  });
});

import { LiveHead, LiveHeads } from './live-heads';

/** A controllable query: each call is recorded and answered by the test. */
function fakeQuery() {
  const calls: Array<{ ids: readonly string[]; answer(m: Map<string, LiveHead>): void; fail(e: Error): void }> = [];
  const query = (ids: readonly string[]) =>
    new Promise<Map<string, LiveHead>>((resolve, reject) => {
      calls.push({ ids, answer: resolve, fail: reject });
    });
  return { calls, query };
}

const tick = () => new Promise((r) => setImmediate(r));
const A = 'AAAAAAAA-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const head = (p: string): LiveHead => ({ position: p, missingEvents: [], mergedInto: null });

describe('LiveHeads (coalesced live-head checks)', () => {
  it('sends the requests of one event-loop turn as one query, each story once, ids lowercased', async () => {
    const f = fakeQuery();
    const h = new LiveHeads(f.query);
    const got = Promise.all([h.get(A), h.get(B), h.get(A)]);
    await tick();
    expect(f.calls).toHaveLength(1);
    expect([...f.calls[0].ids].sort()).toEqual([A.toLowerCase(), B]);
    f.calls[0].answer(new Map([[A.toLowerCase(), head('7')]]));
    expect(await got).toEqual([head('7'), null, head('7')]);
  });

  it('never answers a request with a query that was already in flight when it arrived (a commit before the request is seen)', async () => {
    const f = fakeQuery();
    const h = new LiveHeads(f.query);
    const first = h.get(A);
    await tick();
    expect(f.calls).toHaveLength(1);
    // the projector commits position 8 now; a request arriving after that must see it
    const second = h.get(A);
    await tick();
    expect(f.calls).toHaveLength(1); // waits: one query in flight at a time
    f.calls[0].answer(new Map([[A.toLowerCase(), head('7')]]));
    expect(await first).toEqual(head('7'));
    await tick();
    expect(f.calls).toHaveLength(2); // its own, later query
    f.calls[1].answer(new Map([[A.toLowerCase(), head('8')]]));
    expect(await second).toEqual(head('8'));
  });

  it('rejects the requests a failed query carried and keeps serving later ones', async () => {
    const f = fakeQuery();
    const h = new LiveHeads(f.query);
    const bad = h.get(A);
    await tick();
    f.calls[0].fail(new Error('connection lost'));
    await expect(bad).rejects.toThrow('connection lost');
    const good = h.get(A);
    await tick();
    f.calls[1].answer(new Map([[A.toLowerCase(), head('9')]]));
    expect(await good).toEqual(head('9'));
  });

  it('splits more waiting stories than maxBatch over successive queries', async () => {
    const f = fakeQuery();
    const h = new LiveHeads(f.query, 2);
    const ids = [1, 2, 3].map((i) => `cccccccc-0000-4000-8000-00000000000${i}`);
    const got = Promise.all(ids.map((id) => h.get(id)));
    await tick();
    expect(f.calls[0].ids).toEqual(ids.slice(0, 2));
    f.calls[0].answer(new Map(ids.map((id) => [id, head('1')])));
    await tick();
    await tick();
    expect(f.calls[1].ids).toEqual(ids.slice(2));
    f.calls[1].answer(new Map(ids.map((id) => [id, head('1')])));
    expect(await got).toEqual([head('1'), head('1'), head('1')]);
  });
});

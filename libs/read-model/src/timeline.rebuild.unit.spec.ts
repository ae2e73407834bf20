import { chunkStreams } from './timeline.rebuild';

describe('chunkStreams (the rebuild cuts the log into chunks of whole streams)', () => {
  const s = (streamId: string, events: number) => ({ streamId, events });

  it('given streams, then chunks of about the target, whole streams in order, a large stream alone', () => {
    expect(chunkStreams([s('a', 40), s('b', 50), s('c', 30), s('d', 500), s('e', 10)], 100)).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
    expect(chunkStreams([], 100)).toEqual([]);
  });

  it('given linked streams, then each group lands in one chunk (the chunk of its first stream), every stream exactly once', () => {
    const chunks = chunkStreams([s('a', 60), s('b', 60), s('c', 60), s('d', 60)], 100, [['d', 'a'], ['x', 'b', 'c']]);
    expect(chunks).toEqual([['a', 'd'], ['b', 'c']]);
    expect(chunks.flat().sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

import { TimelineReader } from './timeline.reader';

describe('TimelineReader ETags', () => {
  it('depend on the position and on the query, not on the order of its keys', () => {
    const a = TimelineReader.etag('42', { kind: 'direct', limit: 100, cursor: null });
    expect(a).toMatch(/^"tl1-42-[A-Za-z0-9_-]{16}"$/);
    expect(TimelineReader.etag('42', { cursor: null, limit: 100, kind: 'direct' })).toBe(a);
    expect(TimelineReader.etag('43', { kind: 'direct', limit: 100, cursor: null })).not.toBe(a);
    expect(TimelineReader.etag('42', { kind: 'indirect', limit: 100, cursor: null })).not.toBe(a);
  });

  it('If-None-Match matches the same tag, weak or strong, in a list, or *; not another tag', () => {
    const tag = TimelineReader.etag('7', { limit: 100 });
    expect(TimelineReader.matches(tag, tag)).toBe(true);
    expect(TimelineReader.matches(`W/${tag}`, tag)).toBe(true);
    expect(TimelineReader.matches(`"x", ${tag}`, tag)).toBe(true);
    expect(TimelineReader.matches('*', tag)).toBe(true);
    expect(TimelineReader.matches(TimelineReader.etag('8', { limit: 100 }), tag)).toBe(false);
    expect(TimelineReader.matches(undefined, tag)).toBe(false);
  });
});

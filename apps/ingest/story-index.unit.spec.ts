import type { StorySignature } from '@timeline/extraction';
import { StoryIndex } from './ingest.service';

function sig(storyId: string, itemUris: string[], title = storyId): StorySignature {
  return { storyId, title, terms: {}, speakers: [], firstcreated: '2026-01-01T00:00:00Z', lastcreated: '2026-01-01T00:00:00Z', itemUris };
}

describe('StoryIndex (ingest story clustering, kept in memory)', () => {
  it('finds the story of every item uri and lists every signature', () => {
    const index = new StoryIndex();
    index.mergeFromReadModel(sig('s1', ['u1', 'u2']));
    index.mergeFromReadModel(sig('s2', ['u3']));
    expect(index.storyOfUri('u2')).toBe('s1');
    expect(index.storyOfUri('u3')).toBe('s2');
    expect(index.storyOfUri('u9')).toBeNull();
    expect(index.all().map((s) => s.storyId).sort()).toEqual(['s1', 's2']);
  });

  it('a newer read-model signature replaces the older one', () => {
    const index = new StoryIndex();
    index.mergeFromReadModel(sig('s1', ['u1'], 'old'));
    expect(index.all()).toHaveLength(1);
    index.mergeFromReadModel(sig('s1', ['u1', 'u2'], 'new'));
    expect(index.get('s1')?.title).toBe('new');
    expect(index.all().map((s) => s.title)).toEqual(['new']);
    expect(index.storyOfUri('u2')).toBe('s1');
  });

  it('keeps a local signature while the read model has not caught up with it, then takes the read model again', () => {
    const index = new StoryIndex();
    index.mergeFromReadModel(sig('s1', ['u1'], 'db'));
    index.setLocal(sig('s1', ['u1', 'u2'], 'local'));
    index.mergeFromReadModel(sig('s1', ['u1'], 'db-behind'));
    expect(index.get('s1')?.title).toBe('local');
    index.mergeFromReadModel(sig('s1', ['u1', 'u2', 'u3'], 'db-ahead'));
    expect(index.get('s1')?.title).toBe('db-ahead');
    expect(index.storyOfUri('u3')).toBe('s1');
  });

  it('a story only this process knows is listed and found by uri', () => {
    const index = new StoryIndex();
    index.setLocal(sig('s9', ['u9']));
    expect(index.storyOfUri('u9')).toBe('s9');
    expect(index.all().map((s) => s.storyId)).toEqual(['s9']);
  });
});

import { WireItemSchema, type WireItem } from '@timeline/events';
import { assignStory, extractBatch, itemTerms, storedSignature, mergeStorySignatures, STORY_MERGE_MIN_TERMS, updateStorySignature } from './index';

function item(uri: string, firstcreated: string, headline: string, body: string): WireItem {
  return WireItemSchema.parse({ uri, version: 1, pubstatus: 'usable', firstcreated, versioncreated: firstcreated, headline, body_text: body });
}

const OLD = 'cccccccc-0000-5000-8000-000000000000';
const NEW = 'aaaaaaaa-0000-5000-8000-000000000000';

// Two threads of one developing story: the port strike seen from the union, and from the port authority.
const union = item('u:union', '2025-03-04T09:00:00Z', 'Harbourton dockworkers walk out', 'Maren Lind of the Dockworkers Union said the Harbourton walkout would go on. Lind spoke at Harbourton quay.');
const authority = item('u:authority', '2025-03-04T11:00:00Z', 'Ostrand Port Authority shuts terminals', 'Tobias Renn of the Ostrand Port Authority said the Ostrand terminals were shut. Renn spoke at Ostrand.');
const bridge = item(
  'u:bridge',
  '2025-03-05T10:00:00Z',
  'Harbourton strike: Lind and Renn meet',
  'Maren Lind of the Dockworkers Union met Tobias Renn of the Ostrand Port Authority over the Harbourton walkout and the Ostrand terminals.',
);

describe('story merges (assignStory merge rule)', () => {
  it('given two stories and an item that matches both strongly, when assigned, then it joins the older story and merges the other into it', () => {
    const a = updateStorySignature(undefined, OLD, union, []);
    const b = updateStorySignature(undefined, NEW, authority, []);
    for (const stories of [[a, b], [b, a]]) {
      const asg = assignStory(bridge, stories);
      expect(asg.storyId).toBe(OLD); // the older story (earlier first item) survives, whatever its id
      expect(asg.isNew).toBe(false);
      expect(asg.merge).toEqual({
        survivorStoryId: OLD,
        mergedStoryIds: [NEW],
        evidence: [
          expect.objectContaining({ storyId: OLD, sharedTerms: expect.arrayContaining(['lind', 'harbourton', 'dockworkers']) }),
          expect.objectContaining({ storyId: NEW, sharedTerms: expect.arrayContaining(['renn', 'ostrand', 'tobias']) }),
        ],
      });
      for (const ev of asg.merge!.evidence) expect(ev.sharedTerms.length).toBeGreaterThanOrEqual(STORY_MERGE_MIN_TERMS);
    }
  });

  it('given two stories whose people share only a surname, when an item about one of them arrives, then it joins that one and nothing merges', () => {
    const senator = item('u:sen', '2025-03-04T09:00:00Z', 'Senator Carver backs Tamsel dam bill', 'John Carver told the Kessaly senate the Tamsel dam bill would pass. Carver spoke in Vennick.');
    const swimmer = item('u:swim', '2025-03-04T10:00:00Z', 'Emma Carver wins Lisbon gold', 'Emma Carver won the Lisbon final. Carver thanked her coach, Ruth Albany.');
    const next = item('u:sen2', '2025-03-05T09:00:00Z', 'Carver: Tamsel dam vote on Friday', 'John Carver said the Kessaly senate would vote on the Tamsel dam bill. Carver spoke in Vennick.');
    const a = updateStorySignature(undefined, OLD, senator, []);
    const b = updateStorySignature(undefined, NEW, swimmer, []);
    const asg = assignStory(next, [b, a]);
    expect(asg.storyId).toBe(OLD);
    expect(asg.merge).toBeUndefined();
  });

  it('given two bridged stories whose first items have the same time, when assigned, then the smaller story id survives (tie-break), in either registry order', () => {
    const authoritySameTime = { ...authority, firstcreated: union.firstcreated, versioncreated: union.firstcreated };
    const a = updateStorySignature(undefined, OLD, union, []);
    const b = updateStorySignature(undefined, NEW, authoritySameTime, []);
    expect(assignStory(bridge, [a, b]).merge?.survivorStoryId).toBe(NEW);
    expect(assignStory(bridge, [b, a]).merge?.survivorStoryId).toBe(NEW);
    expect(assignStory(bridge, [b, a]).storyId).toBe(NEW);
  });

  it('given a survivor and a merged signature, when merged, then terms sum, uris and speakers unite and the span widens', () => {
    const a = updateStorySignature(undefined, OLD, union, []);
    const b = updateStorySignature(undefined, NEW, authority, []);
    const m = mergeStorySignatures(a, [b]);
    expect(m.storyId).toBe(OLD);
    expect(m.title).toBe(a.title);
    expect(m.itemUris).toEqual(['u:union', 'u:authority']);
    expect(m.terms.lind).toBe(a.terms.lind);
    expect(m.terms.renn).toBe(b.terms.renn);
    expect(m.firstcreated).toBe(union.firstcreated);
    expect(m.lastcreated).toBe(authority.firstcreated);
    expect(a.itemUris).toEqual(['u:union']); // inputs untouched
  });

  it('given the three items in a batch, when extracted, then all three predictions name one story (earlier items follow the merge)', () => {
    const out = extractBatch([
      { article: 'union', item: union },
      { article: 'authority', item: authority },
      { article: 'bridge', item: bridge },
    ]);
    expect(new Set(out.map((p) => p.story)).size).toBe(1);
  });
});

describe('salient terms (itemTerms): capitals that only the position explains', () => {
  it('sentence-initial ordinary words ("Nothing", "Residents") are not names, so two unrelated stories that share only them stay apart (they clustered generated stories together)', () => {
    const strike = item('u:strike', '2025-03-04T09:00:00Z', 'Ashwick dockers strike', 'Mayor Helga Arnfeld said the Ashwick strike would go on. "Nothing has been taken off the table," Arnfeld said.\n\nResidents were divided.');
    const recall = item('u:recall', '2025-03-04T10:00:00Z', 'Brinton dairy recall widens', 'Chief executive Omar Selvik said the Brinton recall would widen. "Nothing has been hidden," Selvik said.\n\nResidents were angry.');
    const terms = itemTerms(recall);
    expect(terms).not.toHaveProperty('nothing');
    expect(terms).not.toHaveProperty('residents');
    expect(terms).toMatchObject({ brinton: expect.any(Number), selvik: expect.any(Number), omar: expect.any(Number) });
    const a = updateStorySignature(undefined, OLD, strike, []);
    expect(assignStory(recall, [a]).isNew).toBe(true);
  });

  it('a sentence-initial word counts when the item capitalises it mid-sentence too, or a capitalised word follows it (a name of several words)', () => {
    const x = item('u:x', '2025-03-04T09:00:00Z', 'Talks resume', 'Tobias Renn said talks would resume.\n\nKremlin officials declined to comment, and a statement from the Kremlin followed.');
    expect(itemTerms(x)).toMatchObject({ tobias: 1, renn: 1, kremlin: 2 });
  });

  it('a period after an abbreviation or an initial and a hyphen inside a word do not open a sentence (Mr. Peskov, Gov. Newsom, John F. Kennedy, pro-Kremlin kept their names)', () => {
    const x = item('u:y', '2025-03-04T09:00:00Z', 'talks', 'The deal stands, Mr. Peskov said. Gov. Newsom agreed and Dr. Fauci was there, as John F. Kennedy once was, said the pro-Kremlin press.');
    expect(itemTerms(x)).toMatchObject({ peskov: 1, newsom: 1, fauci: 1, kennedy: 1, kremlin: 1 });
  });
});

describe('storedSignature', () => {
  it('is the same whatever order the items were folded in (a redelivered opener appended after a later item gave the read model another title and order)', () => {
    const first = item('u:1', '2025-03-04T09:00:00Z', 'Opener (1)', 'Mayor Helga Arnfeld said the Ashwick strike would go on.');
    const second = item('u:2', '2025-03-04T12:00:00Z', 'Later (2)', 'Union leader Omar Selvik said the Ashwick strike would go on.');
    const st = (name: string) => ({ source: { name } }) as never;
    const inOrder = updateStorySignature(updateStorySignature(undefined, OLD, first, [st('Helga Arnfeld')]), OLD, second, [st('Omar Selvik')]);
    const reversed = updateStorySignature(updateStorySignature(undefined, OLD, second, [st('Omar Selvik')]), OLD, first, [st('Helga Arnfeld')]);
    expect(inOrder.title).not.toBe(reversed.title);
    expect(storedSignature(inOrder, 'Opener (1)')).toEqual(storedSignature(reversed, 'Opener (1)'));
  });
});

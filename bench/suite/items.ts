/**
 * Generated, statement-rich ninjs wire items for the benchmarks: several
 * items per story, each with direct and indirect quotes, denials, "according
 * to" attributions, via chains and relative dates — the shapes of the corpus.
 * Deterministic (seeded), so every run of the suite sees the same text.
 */

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Helena', 'Martin', 'Clara', 'Edmund', 'Rafael', 'Ingrid', 'Tomas', 'Amara', 'Kofi', 'Lena', 'Yusuf', 'Marta', 'Pieter', 'Sofia', 'Dmitri', 'Anika'];
const LAST = ['Marsh', 'Ferrow', 'Vost', 'Ferrers', 'Okafor', 'Lindqvist', 'Brandt', 'Mensah', 'Kowalczyk', 'Haddad', 'Moreau', 'Ivanova', 'Castell', 'Nakamura', 'Oyelaran', 'Duarte'];
const ROLES = ['Mayor', 'Minister', 'chief executive', 'union leader', 'spokesperson', 'director', 'chairman', 'councillor'];
const PLACES = ['Harbourton', 'Grellingford', 'Castelbrook', 'Marrowvale', 'Stenport', 'Ashbury', 'Kelmouth', 'Dunmere', 'Orlingham', 'Tarnwick', 'Velmora', 'Brisford'];
const TOPICS = [
  { noun: 'port strike', org: 'Dockworkers Union', thing: 'pay offer', verb: 'talks' },
  { noun: 'formula recall', org: 'Brightwell Dairies', thing: 'test results', verb: 'inquiry' },
  { noun: 'contracts row', org: 'City Council', thing: 'tender documents', verb: 'audit' },
  { noun: 'rail closure', org: 'Northern Rail', thing: 'safety report', verb: 'review' },
  { noun: 'hospital merger', org: 'Health Trust', thing: 'funding plan', verb: 'consultation' },
  { noun: 'mine collapse', org: 'Ferrite Mining', thing: 'rescue plan', verb: 'investigation' },
];
const OUTLETS = ['Reuters', 'the Castelbrook Herald', 'Example Wire', 'the Evening Post'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

/** A ninjs item as POST /items takes it. */
export interface NinjsItem {
  uri: string;
  type: 'text';
  version: string;
  pubstatus: 'usable';
  firstcreated: string;
  versioncreated: string;
  headline: string;
  language: 'en';
  body_text: string;
}

/**
 * `stories * itemsPerStory` items for one run, interleaved by story (item 0 of
 * every story, then item 1, ...). `runKey` makes uris unique per run;
 * `dayOffset` (days after 2025-01-01) keeps runs apart in the story window.
 */
export function generateItems(opts: { runKey: string; stories: number; itemsPerStory: number; dayOffset: number; seed?: number }): NinjsItem[] {
  const rnd = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const stories = Array.from({ length: opts.stories }, (_, s) => {
    const topic = TOPICS[s % TOPICS.length];
    const place = PLACES[(s * 5 + Math.floor(s / TOPICS.length)) % PLACES.length];
    const people = Array.from({ length: 4 }, (_, k) => ({ name: `${FIRST[(s * 3 + k * 5) % FIRST.length]} ${LAST[(s * 7 + k * 3) % LAST.length]}`, role: ROLES[(s + k) % ROLES.length] }));
    return { topic, place, people };
  });
  const out: NinjsItem[] = [];
  const base = Date.UTC(2025, 0, 1) + opts.dayOffset * 86_400_000;
  for (let i = 0; i < opts.itemsPerStory; i++) {
    for (let s = 0; s < opts.stories; s++) {
      const { topic, place, people } = stories[s];
      const at = new Date(base + (i * 3 + 9) * 3_600_000 + s * 60_000).toISOString().replace('.000Z', 'Z');
      const [a, b, c, d] = people;
      const sur = (p: { name: string }) => p.name.split(' ')[1];
      const day = pick(DAYS);
      const paras = [
        `${place.toUpperCase()}, (Example Wire) - ${a.role[0].toUpperCase()}${a.role.slice(1)} ${a.name} said on ${day} that the ${topic.noun} in ${place} would not end until the ${topic.org} received a fair ${topic.thing}, as ${topic.verb} entered a ${['second', 'third', 'fourth'][i % 3]} week.`,
        `"We have waited long enough for a serious answer, and the people of ${place} deserve better than this," ${sur(a)} told reporters outside the town hall.`,
        `${b.name}, the ${b.role} of the ${topic.org}, denied that any ${topic.thing} had been withdrawn. "Nothing has been taken off the table. We remain ready to talk at any hour," ${sur(b)} said in a statement.`,
        `According to ${c.name}, a ${c.role} who has followed the ${topic.verb} closely, the two sides were "further apart than at any point this year".`,
        `${pick(OUTLETS)} reported on ${pick(DAYS)}, citing two people familiar with the matter, that a new ${topic.thing} would be presented next week. ${sur(b)} declined to comment on the report.`,
        `${d.name} said the ${topic.org} had made mistakes in the way it handled the ${topic.noun}, adding that ${place} needed "a clear plan and honest figures, not more promises".`,
        `"I will not accept a deal that leaves families in ${place} worse off," ${sur(a)} wrote on social media late on ${pick(DAYS)}.`,
        `${sur(c)} warned that the ${topic.noun} could cost the region millions if it lasted beyond the end of the month, and said the government should step in.`,
        `The ${topic.org} said in a statement that it was "disappointed" by the comments and insisted that its ${topic.thing} was the best the company could afford.`,
        `Residents interviewed on ${pick(DAYS)} were divided. Some backed the ${topic.org}; others said the ${topic.verb} had gone on for too long and blamed both sides for the delay in ${place}.`,
      ];
      out.push({
        uri: `urn:bench:${opts.runKey}:s${s}:i${i}`,
        type: 'text',
        version: '1',
        pubstatus: 'usable',
        firstcreated: at,
        versioncreated: at,
        headline: `${place} ${topic.noun}: ${a.name} rejects ${topic.org} ${topic.thing} (${i + 1})`,
        language: 'en',
        body_text: paras.map((x) => x[0].toUpperCase() + x.slice(1)).join('\n\n'),
      });
    }
  }
  return out;
}

/** Words of a body (whitespace-separated). */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

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

const FIRST = ['Helena', 'Martin', 'Clara', 'Edmund', 'Rafael', 'Ingrid', 'Tomas', 'Amara', 'Kofi', 'Lena', 'Yusuf', 'Marta', 'Pieter', 'Sofia', 'Dmitri', 'Anika', 'Bruno', 'Chiara', 'Dario', 'Elif', 'Farid', 'Greta', 'Hugo', 'Irene', 'Jonas', 'Kiran', 'Leila', 'Mateo', 'Nadia', 'Oskar', 'Priya', 'Rosa'];
/** Surname syllables: 16 × 16 distinct surnames ({@link surname}). */
const SUR_A = ['Ar', 'Bel', 'Cor', 'Dal', 'Ess', 'Fen', 'Gar', 'Hal', 'Isk', 'Jor', 'Kel', 'Lor', 'Mar', 'Nor', 'Orv', 'Pel'];
const SUR_B = ['basch', 'dorn', 'ford', 'grave', 'holm', 'kirk', 'lund', 'mere', 'nard', 'quist', 'rick', 'stadt', 'thorpe', 'vell', 'wick', 'zan'];
/** Place syllables: 8 × 8 distinct places ({@link place}). */
const PLACE_A = ['Ash', 'Brin', 'Cal', 'Dun', 'Elm', 'Fair', 'Glen', 'Hart'];
const PLACE_B = ['bury', 'mouth', 'ford', 'wick', 'ton', 'mere', 'stead', 'haven'];

/**
 * The n-th name made of a syllable of `first` and one of `second`, distinct for n below
 * first.length × second.length (a bijection of the two syllable indexes; repeats after).
 */
function compoundName(first: readonly string[], second: readonly string[], n: number): string {
  const a = n % first.length;
  return first[a] + second[(Math.floor(n / first.length) + 3 * a) % second.length];
}

/** The n-th surname, distinct for n in 0..255. */
const surname = (n: number): string => compoundName(SUR_A, SUR_B, n);

/** The s-th place, distinct for s in 0..63. */
const place = (s: number): string => compoundName(PLACE_A, PLACE_B, s);
const ROLES = ['Mayor', 'Minister', 'chief executive', 'union leader', 'spokesperson', 'director', 'chairman', 'councillor'];
const TOPICS = [
  { noun: 'port strike', org: '{place} Dockers', thing: 'pay offer', verb: 'talks' },
  { noun: 'formula recall', org: '{place} Dairies', thing: 'test results', verb: 'inquiry' },
  { noun: 'contracts row', org: '{place} Council', thing: 'tender documents', verb: 'audit' },
  { noun: 'rail closure', org: '{place} Rail', thing: 'safety report', verb: 'review' },
  { noun: 'hospital merger', org: '{place} Health', thing: 'funding plan', verb: 'consultation' },
  { noun: 'mine collapse', org: '{place} Mining', thing: 'rescue plan', verb: 'investigation' },
];
/** Outlets cited in items; `{place}` is the story's place (its local paper). */
const OUTLETS = ['Reuters', 'the {place} Herald', 'Example Wire', 'the Evening Post'];
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
    // Each story has its own place and its own four people (distinct surnames), so stories
    // are told apart the way real ones are: by who and where, not only by the topic's words.
    const people = Array.from({ length: 4 }, (_, k) => ({ name: `${pick(FIRST)} ${surname(s * 4 + k)}`, role: ROLES[(s + k) % ROLES.length] }));
    // The organisation is the story's own ('{place} Council'): two stories of one topic share one generic word, not a name.
    const where = place(s);
    return { topic: { ...topic, org: topic.org.replace('{place}', where) }, place: where, people };
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
        `${pick(OUTLETS).replace('{place}', place)} reported on ${pick(DAYS)}, citing two people familiar with the matter, that a new ${topic.thing} would be presented next week. ${sur(b)} declined to comment on the report.`,
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

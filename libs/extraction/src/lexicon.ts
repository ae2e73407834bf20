/**
 * Word lists of the rule-based extractor: speech cues (after PARC's cue
 * inventory and common wire-style attribution verbs), relation cues, media,
 * titles, organisation heads and junk markers. Pure data, no I/O.
 */
import type { Medium, RelationType } from '@timeline/events';

/** Base forms of reporting verbs, with their finite / participle forms. */
const VERB_FORMS: Record<string, string[]> = {
  say: ['said', 'says', 'saying'],
  tell: ['told', 'tells', 'telling'],
  add: ['added', 'adds', 'adding'],
  insist: ['insisted', 'insists', 'insisting'],
  deny: ['denied', 'denies', 'denying'],
  tweet: ['tweeted', 'tweets', 'tweeting'],
  write: ['wrote', 'writes', 'writing'],
  post: ['posted', 'posts'],
  claim: ['claimed', 'claims', 'claiming'],
  state: ['stated', 'states'],
  announce: ['announced', 'announces', 'announcing'],
  confirm: ['confirmed', 'confirms', 'confirming'],
  warn: ['warned', 'warns', 'warning'],
  argue: ['argued', 'argues', 'arguing'],
  explain: ['explained', 'explains', 'explaining'],
  note: ['noted', 'notes', 'noting'],
  acknowledge: ['acknowledged', 'acknowledges', 'acknowledging'],
  admit: ['admitted', 'admits', 'admitting'],
  allege: ['alleged', 'alleges', 'alleging'],
  assert: ['asserted', 'asserts', 'asserting'],
  contend: ['contended', 'contends', 'contending'],
  maintain: ['maintained', 'maintains'],
  report: ['reported', 'reports'],
  reply: ['replied', 'replies', 'replying'],
  respond: ['responded', 'responds', 'responding'],
  reiterate: ['reiterated', 'reiterates'],
  stress: ['stressed', 'stresses', 'stressing'],
  emphasise: ['emphasised', 'emphasized', 'emphasises', 'emphasizes'],
  predict: ['predicted', 'predicts'],
  suggest: ['suggested', 'suggests'],
  declare: ['declared', 'declares'],
  complain: ['complained', 'complains'],
  concede: ['conceded', 'concedes'],
  counter: ['countered', 'counters'],
  dispute: ['disputed', 'disputes', 'disputing'],
  reject: ['rejected', 'rejects', 'rejecting'],
  dismiss: ['dismissed', 'dismisses', 'dismissing'],
  testify: ['testified', 'testifies'],
  vow: ['vowed', 'vows'],
  pledge: ['pledged', 'pledges'],
  promise: ['promised', 'promises'],
  caution: ['cautioned', 'cautions'],
  agree: ['agreed', 'agrees'],
  urge: ['urged', 'urges', 'urging'],
  demand: ['demanded', 'demands', 'demanding'],
  assure: ['assured', 'assures'],
  repeat: ['repeated'],
  recall: ['recalled', 'recalls'],
  estimate: ['estimated', 'estimates'],
  forecast: ['forecast'],
  boast: ['boasted'],
  charge: ['charged'],
  accuse: ['accused', 'accuses'],
  contradict: ['contradicted', 'contradicts'],
  refute: ['refuted'],
  rebut: ['rebutted'],
  withdraw: ['withdrew', 'withdraws'],
  retract: ['retracted', 'retracts'],
  correct: ['corrected'],
  amend: ['amended'],
  welcome: ['welcomed', 'welcomes'],
  propose: ['proposed'],
  signal: ['signalled', 'signaled'],
  hint: ['hinted'],
  indicate: ['indicated'],
  remark: ['remarked'],
  observe: ['observed'],
  comment: ['commented'],
  describe: ['described'],
  shout: ['shouted'],
  whisper: ['whispered'],
  reveal: ['revealed'],
  disclose: ['disclosed'],
  inform: ['informed'],
  advise: ['advised'],
  conclude: ['concluded'],
  find: [],
  write_in: [],
};

/** Every finite/participle cue form mapped to its base verb. */
export const CUE_FORMS: Map<string, string> = new Map();
for (const [base, forms] of Object.entries(VERB_FORMS)) for (const f of forms) CUE_FORMS.set(f, base);

/** Multi-word cues: "called on", "called for", "according to". */
export const PHRASE_CUES: Array<[RegExp, string]> = [
  [/^called (?:on|for)\b/, 'call'],
  [/^calls (?:on|for)\b/, 'call'],
  [/^according to\b/, 'according'],
];

/** Cue verbs that take an NP object and express a relation to an earlier statement. */
export const RELATION_OF_CUE: Record<string, RelationType> = {
  deny: 'contradicts',
  dispute: 'contradicts',
  reject: 'contradicts',
  dismiss: 'contradicts',
  contradict: 'contradicts',
  refute: 'contradicts',
  rebut: 'contradicts',
  counter: 'contradicts',
  confirm: 'supports',
  agree: 'supports',
  respond: 'responds_to',
  reply: 'responds_to',
  withdraw: 'retracts',
  retract: 'retracts',
  correct: 'corrects',
  amend: 'corrects',
};

/** Cues that never carry their own content (they need an object statement or a following quote). */
export const OBJECT_ONLY_CUES = new Set(['withdraw', 'retract', 'correct', 'amend', 'contradict', 'refute', 'rebut']);

/** Cues that rarely introduce speech unless followed by "that" or a colon/quote. */
export const WEAK_CUES = new Set([
  'recall', 'estimate', 'forecast', 'charge', 'accuse', 'welcome', 'propose', 'signal', 'hint', 'indicate',
  'observe', 'comment', 'describe', 'reveal', 'disclose', 'inform', 'advise', 'conclude', 'report', 'post',
  'repeat', 'state', 'maintain', 'counter', 'note', 'respond', 'reply', 'agree', 'promise', 'pledge', 'vow',
  'demand', 'urge', 'caution', 'predict', 'suggest', 'declare', 'complain', 'concede', 'testify', 'boast',
  'assure', 'confirm', 'deny', 'admit', 'acknowledge', 'announce', 'claim', 'allege', 'stress', 'emphasise',
  'argue', 'explain', 'warn', 'insist', 'add', 'contend', 'assert', 'reiterate', 'shout', 'whisper', 'remark',
]);

/** Nouns naming a statement: "an announcement from X that", "X's tweet on Monday that". */
export const STATEMENT_NOUNS =
  'announcement|claim|claims|tweet|tweets|statement|remarks|remark|assertion|comments|comment|assurances|assurance|allegation|allegations|suggestion|warning|pledge|promise|denial|report|post|account|accusation|testimony|insistence|contention|argument|description|prediction|admission';

/** Media by the phrases that signal them, checked in order (most specific first). */
export const MEDIUM_PATTERNS: Array<[RegExp, Medium | 'none']> = [
  [/\b(?:testimony|testified|told (?:parliament's|the|a) [\w' -]{0,40}committee|told (?:the )?(?:lawmakers|legislators|mps)\b)/i, 'none'],
  [/\b(?:tweet(?:ed|s)?|on twitter|on x\b)/i, 'tweet'],
  [/\b(?:court filing|in a filing|filing with|filed (?:with|in|at)|court (?:papers|documents|submission)|lawsuit (?:said|says|states)|in (?:a )?(?:submission|affidavit) to)/i, 'court filing'],
  [/\b(?:telephone|phone call|by phone|on the phone|phone interview)\b/i, 'phone call'],
  [/\bletter\b/i, 'letter'],
  [/\b(?:social media|social network|a post\b|new post\b|the post\b|posted on|on facebook|on instagram|on telegram|on linkedin|on tiktok|on bluesky|on mastodon|on its (?:website|channel)|video posted|blog post|on threads)/i, 'social post'],
  [/\b(?:interview|asked by)\b/i, 'interview'],
  [/\b(?:news conference|press conference|told reporters|speaking to reporters|told journalists|briefing|conference call|reporters on|with reporters|told a news)/i, 'briefing'],
  [/\b(?:rally|told the crowd|told a crowd|council meeting|told the meeting|told a meeting|told parliament|in parliament|televised address|address to|speech|addressing|told (?:the )?(?:conference|congress|assembly|senate|summit|delegates|supporters|lawmakers at)|sermon|told the (?:house|chamber))\b/i, 'speech'],
  [/\b(?:statement|communique|communiqué|press release|news release)\b/i, 'statement'],
];

/** Title words: when they precede a name they form the role ("Labour Minister Agnes Halloran"). */
export const TITLE_WORDS = new Set(
  (
    'minister secretary president vice prime chancellor premier spokesman spokeswoman spokesperson director ' +
    'director-general commissioner mayor councillor councilor inspector superintendent sergeant constable chief ' +
    'executive officer chairman chairwoman chair chairperson ceo cfo coo founder head leader governor senator ' +
    'congressman congresswoman representative rep sen gov judge justice attorney lawyer prosecutor ambassador ' +
    'envoy general colonel captain major admiral lieutenant dr mr mrs ms miss prof professor sir dame lord lady ' +
    'king queen prince princess pope bishop archbishop rabbi imam father sister brother deputy assistant acting ' +
    'interim senior junior manager editor analyst economist researcher adviser advisor aide official officials ' +
    'cardinal sheikh emir sultan mp mep chancellor treasurer registrar commander marshal coach ' +
    'board managing general-secretary secretary-general undersecretary under-secretary labour foreign health ' +
    'finance defence defense interior justice economy trade transport education environment energy digital ' +
    'agriculture home state national'
  ).split(/\s+/),
);

/** Words that make a capitalised phrase an organisation. */
export const ORG_HEADS = new Set(
  (
    'authority ministry department union federation association office dairies dairy mobile hydro engineering ' +
    'council police court company corp corporation inc ltd llc plc group bank chamber board party agency commission ' +
    'university hospital committee institute times journal post gazette herald ledger echo television radio news ' +
    'press wire tribune telegraph guardian observer network broadcasting broadcaster channel daily weekly review ' +
    'reuters bloomberg ap afp kremlin government administration parliament senate congress army navy ' +
    'federation league club fund foundation trust society organisation organization alliance coalition ' +
    'service services systems holdings industries airlines airline motors energy oil gas pharma pharmaceuticals ' +
    'labs laboratories studios media cabinet presidency embassy consulate tribunal regulator office ' +
    'secretariat bureau commissioners directorate inspectorate cooperative co-operative partners capital ' +
    'securities exchange insurance telecom communications electric power water railways railway port ports'
  ).split(/\s+/),
);

/** Heads of outlets (news organisations): their "reported" is a via, and "told X" is an interview. */
export const OUTLET_HEADS = new Set(
  'times journal post gazette herald ledger echo television radio news press wire tribune telegraph guardian observer broadcasting broadcaster channel daily weekly review reuters bloomberg ap afp tv bbc cnn nvb kpt sentinel bitsentinel mail express chronicle standard examiner inquirer courier monitor mirror star sun globe world magazine newspaper site agency'.split(
    ' ',
  ),
);

/** Nouns of anonymous sources. */
export const ANON_HEADS =
  /\b(?:official|officials|source|sources|diplomat|diplomats|person|people|insider|insiders|aide|aides|executive|executives|manager|employee|employees|member|members|staff|worker|workers|lawmaker|lawmakers|analyst|investigator|investigators|officer|officers|resident|residents|witness|witnesses)\b/i;

/** Words for a group of several people. */
export const GROUP_HEADS =
  /\b(?:residents|protesters|protestors|farmers|workers|members|strikers|villagers|parents|families|activists|officials|leaders|ministers|lawmakers|campaigners|voters|students|teachers|doctors|nurses|fans|critics|opponents|supporters|witnesses|neighbours|neighbors)\b/i;

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
export const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
];

/** Capitalised words that are never names (sentence starts, days, months, function words). */
export const NOT_NAME = new Set(
  (
    'the a an in on at of for to by from with and but or as if when while after before since until though although ' +
    'because despite during under over about against between into through without within this that these those ' +
    'it its he she they we i you his her their our my your mr mrs ms dr ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december jan feb mar apr jun jul aug sep sept oct nov dec ' +
    'asked speaking according under there here what who whom which where why how nobody everyone some many most ' +
    'several two three four five six seven eight nine ten one late early earlier later last next also yesterday today'
  ).split(/\s+/),
);

/** Pronouns that can be a speaker. */
export const PRONOUNS: Record<string, 'm' | 'f' | 'n' | 'p'> = {
  he: 'm', she: 'f', it: 'n', they: 'p', his: 'm', her: 'f', its: 'n', their: 'p',
};

/** Abbreviations after which a period does not end a sentence. */
export const ABBREVIATIONS = new Set(
  'mr mrs ms dr st jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u gov sen rep gen col lt capt prof inc corp ltd co no vs e.g i.e jr sr mt ft approx dept est fig'.split(
    ' ',
  ),
);

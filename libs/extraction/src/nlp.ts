/**
 * wink-nlp wrapper: part-of-speech tags with character offsets. The model is
 * loaded once per process (module level), as wink-nlp recommends.
 */
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

// only the POS tagger: sentence, negation, sentiment and entity pipes are not used here
const nlp = winkNLP(model, ['pos']);
const its = nlp.its;

export interface Tagged {
  starts: Int32Array;
  ends: Int32Array;
  pos: string[];
  values: string[];
}

/**
 * Tag `text` (POS per token, offsets as UTF-16 indexes into `text`).
 * Tokens are located by searching their value forward from the previous
 * token's end, so offsets stay exact even where wink splits contractions.
 */
export function tag(text: string): Tagged {
  const doc = nlp.readDoc(text);
  const values = doc.tokens().out(its.value) as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  const starts = new Int32Array(values.length);
  const ends = new Int32Array(values.length);
  let cur = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let at = text.indexOf(v, cur);
    if (at < 0 || at - cur > 64) at = cur;
    starts[i] = at;
    ends[i] = at + v.length;
    cur = ends[i];
  }
  return { starts, ends, pos, values };
}

/** First token index whose start is ≥ offset (binary search). */
export function tokenAt(t: Tagged, offset: number): number {
  let lo = 0;
  let hi = t.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.starts[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const NONE: ReadonlySet<string> = new Set();

/** Words that are never finite verbs: function words and the nouns of speaker phrases ("the union's general secretary"). */
const NEVER_VERB = new Set(
  (
    'the a an of for at in on to from with by and or but as about into over under after before than this that these those ' +
    'his her its their our my your whose who which what mr mrs ms dr its own also two three four five several some many other another ' +
    'senior junior former deputy acting chief general spokesman spokeswoman spokesperson minister secretary director official officials ' +
    'president chairman chairwoman chair executive officer head leader lawyer lawyers manager editor analyst adviser advisor aide aides ' +
    'member members union company group firm ministry authority government council police agency regulator board committee office ' +
    'source sources people person diplomat diplomats residents workers families statement interview conference news briefing ' +
    'foreign prime labour health finance interior defence defense transport state national local city port regional federal ' +
    'he she it they we i him them us me you one day week month year today yesterday tonight morning afternoon evening night ' +
    'monday tuesday wednesday thursday friday saturday sunday late early last earlier later next this weekend time ' +
    'reporters journalists media social telephone phone call post new crowd report newspaper letter parliament public broadcaster ' +
    'site technology television radio channel website investors percent per cent meeting rally video address speech filing ' +
    'not no never both all each every any only just still again then there here now when where while whether if ' +
    // name particles ("Étienne de la Fontaine", "Maarten van der Berghe")
    'de la le da di du del della der den van von al el bin ibn dos das ter ten zu af'
  ).split(/\s+/),
);

/** An auxiliary and the participle it governs: group 1 the participle. */
const AUX_PARTICIPLE = /\b(?:was|were|is|are|been|being|had|has|have|will|would|could|should|can|might|must|did|does)\s+(?:not\s+|also\s+|now\s+|still\s+|already\s+|been\s+|be\s+)*([a-z]{3,}(?:ing|ed))\b/;

/**
 * Cheap lexical pre-test: can the phrase hold a finite verb at all? A phrase
 * of capitalised words, numbers and the words of {@link NEVER_VERB} cannot,
 * and needs no tagging.
 */
function mayHoldVerb(text: string, except: ReadonlySet<string>): boolean {
  const re = /[\p{L}][\p{L}'’-]*/gu;
  let x: RegExpExecArray | null;
  let first = true;
  while ((x = re.exec(text))) {
    const w = x[0];
    const l = w.toLowerCase().replace(/['’]s?$/, '');
    if (/^\p{Lu}/u.test(w)) {
      // a capitalised word is a name, unless a participle opens the phrase ("Asked", "Speaking")
      if (first && /(?:ed|ing)$/.test(l) && !except.has(l)) return true;
    } else if (!NEVER_VERB.has(l) && !except.has(l) && !(/ly$/.test(l) && !/^(?:apply|rely|reply|supply|fly|ally|tally|rally)$/.test(l))) return true;
    first = false;
  }
  return false;
}

/**
 * Tags sentences on demand: only the sentences whose phrases are asked
 * about are tagged (the POS pass is the costliest step, and most sentences
 * never need it). Offsets stay absolute.
 */
export class LazyTagger {
  private readonly cache = new Map<number, Tagged>();

  constructor(
    private readonly text: string,
    /** sentence spans (absolute, sorted, non-overlapping) */
    private readonly spans: ReadonlyArray<{ start: number; end: number }>,
  ) {}

  /** The tagged sentence holding `offset`, or null. */
  private at(offset: number): Tagged | null {
    const sp = this.spans;
    let lo = 0;
    let hi = sp.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (offset < sp[mid].start) hi = mid - 1;
      else if (offset >= sp[mid].end) lo = mid + 1;
      else {
        let t = this.cache.get(mid);
        if (!t) {
          const r = tag(this.text.slice(sp[mid].start, sp[mid].end));
          for (let i = 0; i < r.starts.length; i++) {
            r.starts[i] += sp[mid].start;
            r.ends[i] += sp[mid].start;
          }
          t = r;
          this.cache.set(mid, t);
        }
        return t;
      }
    }
    return null;
  }

  /** Offset of the first verb (wink tag VERB, not capitalised) in [a, b), or -1. */
  firstVerb(a: number, b: number): number {
    if (b <= a) return -1;
    const t = this.at(a);
    if (!t) return -1;
    for (let i = tokenAt(t, a); i < t.starts.length && t.ends[i] <= b; i++) {
      if (t.pos[i] === 'VERB' && !/^[A-Z]/.test(t.values[i])) return t.starts[i];
    }
    return -1;
  }

  /** As {@link hasVerb}, over [a, b) of the text. */
  hasVerb(a: number, b: number, except: ReadonlySet<string> = NONE, skipCapitalised = false): boolean {
    if (b <= a) return false;
    const span = this.text.slice(a, b);
    if (!mayHoldVerb(span, except)) return false;
    // an auxiliary before a participle is a verb phrase: no tagging needed ("were waiting", "had been linked")
    const aux = AUX_PARTICIPLE.exec(span);
    if (aux && !except.has(aux[1].toLowerCase())) return true;
    const t = this.at(a) ?? this.at(b - 1);
    return t ? hasVerb(t, a, b, except, skipCapitalised) : false;
  }
}

/** Does [a, b) contain a finite-looking verb (wink tag VERB), other than the words in `except`? */
export function hasVerb(t: Tagged, a: number, b: number, except: ReadonlySet<string> = NONE, skipCapitalised = false): boolean {
  for (let i = tokenAt(t, a); i < t.starts.length && t.ends[i] <= b; i++) {
    if (t.pos[i] !== 'VERB' || except.has(t.values[i].toLowerCase())) continue;
    // a capitalised word inside a noun phrase is a name the tagger took for a verb ("Halvard Shipping spokeswoman")
    if (skipCapitalised && i > 0 && t.starts[i] > a && /^[A-Z]/.test(t.values[i])) continue;
    return true;
  }
  return false;
}

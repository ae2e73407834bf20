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

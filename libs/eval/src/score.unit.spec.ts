/**
 * The scoring rules on small hand-built cases; every expected number is
 * worked out by hand in the comment next to it.
 */
import { formatReport } from './format';
import { loadPredictions } from './load';
import { dateOk, score, speakerOk, surnameCounts } from './score';
import { normName, pyRound, toks, tokF1 } from './text';
import type { GoldFile, GoldStatement, PredictedStatement, Prediction } from './types';

function gs(id: string, speaker: string, content: string, extra: Partial<GoldStatement> = {}): GoldStatement {
  return {
    id,
    speaker,
    speaker_accept: [],
    speaker_type: 'person',
    role: null,
    kind: 'direct',
    content,
    medium: null,
    via: [],
    said_at: null,
    relations: [],
    ...extra,
  };
}

function gold(article: string, statements: GoldStatement[], extra: Partial<GoldFile> = {}): GoldFile {
  return { article, story: 'story-a', statements, not_statements: [], ...extra };
}

function ps(id: string, speaker: string | null, content: string, extra: Partial<PredictedStatement> = {}): PredictedStatement {
  return { id, speaker, content, kind: 'direct', medium: null, via: [], said_at: null, relations: [], ...extra };
}

function pred(article: string, statements: PredictedStatement[], story: string | null = 'story-a'): Prediction {
  return { article, story, statements };
}

describe('tokens and token F1', () => {
  it('lower-cases, drops punctuation, keeps any script, splits at combining marks as Python does', () => {
    expect(toks('“The Kremlin’s view,” said PESKOV.')).toEqual(['the', 'kremlin', 's', 'view', 'said', 'peskov']);
    expect(toks('Москва заявила: «нет»')).toEqual(['москва', 'заявила', 'нет']);
    expect(toks('東京 2025年')).toEqual(['東京', '2025年']);
    expect(toks('snake_case ½ x²')).toEqual(['snake_case', '½', 'x²']);
    // a combining acute accent is not a word character to Python's re: "cafe\u0301" is two tokens
    expect(toks('cafe\u0301 café')).toEqual(['cafe', 'café']);
  });

  it('token F1 counts repeated words as a multiset', () => {
    // "a a b" vs "a b c": common = min(2,1) + min(1,1) = 2; P = 2/3, R = 2/3, F1 = 2/3
    expect(tokF1('a a b', 'a b c')).toBeCloseTo(2 / 3, 12);
    expect(tokF1('', 'a')).toBe(0);
    expect(tokF1('!!!', '...')).toBe(0);
    expect(tokF1('Yes, we WILL.', 'yes we will')).toBe(1);
  });

  it('names normalise case, punctuation, a leading "the" and whitespace', () => {
    expect(normName('  The  Kremlin,  ')).toBe('kremlin');
    expect(normName('Jean-Luc O’Brien')).toBe("jean-luc o'brien");
    expect(normName('Theodore Smith')).toBe('theodore smith');
    expect(normName(null)).toBe('');
  });

  it("rounds like Python's round(): exact ties go to the even digit", () => {
    expect(pyRound(0.3125, 3)).toBe(0.312); // 5/16 is exact in binary; toFixed would give 0.313
    expect(pyRound(0.4375, 3)).toBe(0.438);
    expect(pyRound(2.675, 2)).toBe(2.67); // really 2.67499999...
    expect(pyRound(2 / 3, 3)).toBe(0.667);
  });
});

describe('speaker accept rules', () => {
  const halloran = gs('s1', 'Agnes Halloran', 'x', { speaker_accept: ['Halloran'] });
  const counts = surnameCounts([halloran]);

  it('accepts the name or an accepted alias, case-insensitively, with or without "the"', () => {
    expect(speakerOk('Agnes Halloran', halloran, counts)).toBe(true);
    expect(speakerOk('AGNES HALLORAN', halloran, counts)).toBe(true);
    expect(speakerOk('the Agnes Halloran', halloran, counts)).toBe(true);
    expect(speakerOk('Halloran', halloran, counts)).toBe(true);
  });

  it('accepts a title or role in front of an accepted name of two or more words', () => {
    expect(speakerOk('Labour Minister Agnes Halloran', halloran, counts)).toBe(true);
    // the prefix rule needs a two-word accepted name, and the surname rule a bare surname: a title + surname is refused
    expect(speakerOk('Minister Halloran', halloran, counts)).toBe(false);
    expect(speakerOk('Mr Halloran', halloran, counts)).toBe(false);
  });

  it('accepts the surname, or first name + surname with something between, when no other person shares it', () => {
    const g = gs('s1', 'Agnes Halloran', 'x'); // no accept list at all
    const c = surnameCounts([g]);
    expect(speakerOk('Halloran', g, c)).toBe(true);
    expect(speakerOk('Agnes B. Halloran', g, c)).toBe(true);
    expect(speakerOk('Agnes', g, c)).toBe(false);
    expect(speakerOk('Morag Halloran', g, c)).toBe(false);
    expect(speakerOk('', g, c)).toBe(false);
    expect(speakerOk(null, g, c)).toBe(false);
  });

  it('refuses a bare surname that two person speakers of the item share', () => {
    const tom = gs('s1', 'Tom Reed', 'x');
    const ann = gs('s2', 'Ann Reed', 'y');
    const anon = gs('s3', 'Reed spokesman', 'z', { speaker_type: 'anonymous' });
    const c = surnameCounts([tom, ann, anon]);
    expect(c.get('reed')).toBe(2); // "reed spokesman" is not a person: its last word is not counted either
    expect(speakerOk('Reed', tom, c)).toBe(false);
    expect(speakerOk('Tom Reed', tom, c)).toBe(true);
    expect(speakerOk('Ann Reed', tom, c)).toBe(false);
    // with only Tom a person, the surname is enough
    expect(speakerOk('Reed', tom, surnameCounts([tom, anon]))).toBe(true);
  });

  it('applies the surname rule to persons only', () => {
    const org = gs('s1', 'Harbour Authority', 'x', { speaker_type: 'organization' });
    expect(speakerOk('Authority', org, surnameCounts([org]))).toBe(false);
    expect(speakerOk('the Harbour Authority', org, surnameCounts([org]))).toBe(true);
  });

  it('counts in attributed F1 through score()', () => {
    const g = gold('a', [
      gs('s1', 'Agnes Halloran', 'the strike must end now', { speaker_accept: ['Halloran'] }),
      gs('s2', 'Tom Reed', 'the union will not give up', { speaker_accept: [] }),
      gs('s3', 'Ann Reed', 'talks will resume on friday'),
    ]);
    const p = pred('a', [
      ps('p1', 'Labour Minister Agnes Halloran', 'The strike must end now.'), // right (title prefix)
      ps('p2', 'Reed', 'the union will not give up'), // wrong: surname shared by Tom and Ann
      ps('p3', 'Ann Reed', 'talks will resume on Friday'), // right
    ]);
    const r = score([g], [p]);
    // matched 3 of 3 predicted and 3 gold; attributed 2: P = R = F1 = 2/3
    expect(r.totals).toMatchObject({ matched: 3, detection_f1: 1, attributed_p: 0.667, attributed_r: 0.667, attributed_f1: 0.667 });
    expect(r.per_item[0]).toMatchObject({ gold: 3, predicted: 3, matched: 3, attributed: 2 });
  });
});

describe('matching: greedy pairing', () => {
  it('takes the highest overlap first, not the first prediction', () => {
    const g = gold('a', [gs('s1', 'A B', 'alpha beta gamma delta'), gs('s2', 'C D', 'alpha beta gamma epsilon zeta eta')]);
    // p1 ("alpha beta gamma") vs s1: common 3, P 1, R 3/4 -> 6/7 = 0.857; vs s2: P 1, R 1/2 -> 0.667
    // p2 ("alpha beta gamma delta") vs s1: 1.0; vs s2: P 3/4, R 1/2 -> 0.6
    // greedy: (p2, s1) = 1.0 first, then (p1, s2) = 0.667; p1 in order first would have taken s1 and left p2 with 0.6
    const p = pred('a', [ps('p1', 'A B', 'alpha beta gamma'), ps('p2', 'A B', 'alpha beta gamma delta')]);
    const r = score([g], [p]);
    expect(r.per_item[0].pairs.map((x) => [x.predicted_id, x.gold_id])).toEqual([
      ['p2', 's1'],
      ['p1', 's2'],
    ]);
    expect(r.totals).toMatchObject({ matched: 2, detection_f1: 1 });
    // attributed: p2 (A B) -> s1 (A B) right; p1 (A B) -> s2 (C D) wrong: 1 of 2
    expect(r.totals.attributed_f1).toBe(0.5);
  });

  it('needs token F1 of at least 0.5', () => {
    const g = gold('a', [gs('s1', 'A B', 'one two three four')]);
    // "one two five six seven eight": common 2, P 2/6, R 2/4 -> 2*(1/3)(1/2)/(5/6) = 0.4: no match
    // "one two five six": common 2, P 1/2, R 1/2 -> 0.5: a match
    const r1 = score([g], [pred('a', [ps('p1', 'A B', 'one two five six seven eight')])]);
    const r2 = score([g], [pred('a', [ps('p1', 'A B', 'one two five six')])]);
    expect(r1.totals.matched).toBe(0);
    expect(r1.totals).toMatchObject({ detection_p: 0, detection_r: 0, detection_f1: 0, kind_accuracy: null });
    expect(r2.totals.matched).toBe(1);
  });

  it('on equal overlap, the pair whose speaker is right wins, even over an earlier prediction', () => {
    const g = gold('a', [gs('s1', 'Mara Quist', 'the port will reopen on monday')]);
    const p = pred('a', [ps('p1', 'Tom Reed', 'the port will reopen on Monday'), ps('p2', 'Quist', 'The port will reopen on Monday.')]);
    const r = score([g], [p]);
    expect(r.per_item[0].pairs.map((x) => [x.predicted_id, x.gold_id])).toEqual([['p2', 's1']]);
    // 1 matched, 1 false positive: detection P 1/2, R 1, F1 2/3; attributed the same
    expect(r.totals).toMatchObject({ matched: 1, predicted: 2, detection_p: 0.5, detection_r: 1, detection_f1: 0.667, attributed_f1: 0.667 });
  });

  it('on equal overlap with two gold statements, the right speaker picks the gold one', () => {
    const g = gold('a', [gs('s1', 'Tom Reed', 'the port will reopen'), gs('s2', 'Mara Quist', 'the port will reopen')]);
    const right = score([g], [pred('a', [ps('p1', 'Tom Reed', 'the port will reopen')])]);
    expect(right.per_item[0].pairs[0].gold_id).toBe('s1');
    expect(right.totals.attributed_f1).toBe(0.667); // 1 attributed; P 1/1, R 1/2 -> 2/3
    // neither speaker right: the reference sorts (f, ok, -i, i, j) descending, so the LATER gold statement wins
    const neither = score([g], [pred('a', [ps('p1', 'Someone Else', 'the port will reopen')])]);
    expect(neither.per_item[0].pairs[0].gold_id).toBe('s2');
  });

  it('on equal overlap and speaker, the earlier prediction wins', () => {
    const g = gold('a', [gs('s1', 'Tom Reed', 'the port will reopen')]);
    const r = score([g], [pred('a', [ps('p1', 'X', 'the port will reopen'), ps('p2', 'Y', 'the port will reopen')])]);
    expect(r.per_item[0].pairs[0].predicted_id).toBe('p1');
  });
});

describe('date accuracy', () => {
  // item of Thursday 2025-06-05
  const articles = { a: { firstcreated: '2025-06-05T16:10:00Z' } };
  const g = gold('a', [
    gs('s1', 'A A', 'one said this morning it is fine', { said_at: { from: '2025-06-05', to: '2025-06-05' } }),
    gs('s2', 'B B', 'two said on monday it was bad', { said_at: { from: '2025-06-02', to: '2025-06-02' } }),
    gs('s3', 'C C', 'three said last week it may change', { said_at: { from: '2025-05-26', to: '2025-06-01' } }),
    gs('s4', 'D D', 'four said nothing about time here', { said_at: null }),
    gs('s5', 'E E', 'five said earlier this week before today', { said_at: { from: null, to: '2025-06-04' } }),
  ]);
  const p = pred('a', [
    ps('p1', 'A A', 'one said this morning it is fine', { said_at: { from: '2025-06-05', to: '2025-06-05' } }), // ok, on the item's day
    ps('p2', 'B B', 'two said on monday it was bad', { said_at: { from: '2025-06-05', to: '2025-06-05' } }), // wrong, off-day
    ps('p3', 'C C', 'three said last week it may change', { said_at: { from: '2025-05-28T09:00:00Z', to: '2025-05-29' } }), // ok (day part only), off-day
    ps('p4', 'D D', 'four said nothing about time here', { said_at: { from: '2020-01-01', to: '2020-01-01' } }), // not scored
    ps('p5', 'E E', 'five said earlier this week before today', { said_at: { from: null, to: '2025-06-03' } }), // ok, off-day (range ends 06-04)
  ]);

  it('scores all pairs with a gold range, and apart the ones whose range excludes the item day', () => {
    const r = score([g], [p], articles);
    // all: p1 ok, p2 wrong, p3 ok, p5 ok -> 3/4; off-day: s2, s3, s5 -> p3 and p5 ok -> 2/3
    expect(r.totals.date_accuracy).toBe(0.75);
    expect(r.totals.date_accuracy_offday).toBe(0.667);
    expect(r.counts).toMatchObject({ dates_ok: 3, dates_n: 4, offday_ok: 2, offday_n: 3 });
    expect(r.per_item[0].item_day).toBe('2025-06-05');
  });

  it('has no off-day figure without the articles (the item day is unknown)', () => {
    const r = score([g], [p]);
    expect(r.totals.date_accuracy).toBe(0.75);
    expect(r.totals.date_accuracy_offday).toBeNull();
  });

  it('accepts a Map of articles as well as a record', () => {
    expect(score([g], [p], new Map(Object.entries(articles))).totals.date_accuracy_offday).toBe(0.667);
  });

  it('requires the predicted range inside the gold one; open gold ends accept anything on that side', () => {
    const closed = { from: '2025-06-02', to: '2025-06-04' };
    expect(dateOk({ from: '2025-06-02', to: '2025-06-04' }, closed)).toBe(true);
    expect(dateOk({ from: '2025-06-01', to: '2025-06-04' }, closed)).toBe(false);
    expect(dateOk({ from: '2025-06-03', to: '2025-06-05' }, closed)).toBe(false);
    expect(dateOk({ from: '2025-06-03', to: null }, closed)).toBe(false); // a gold end needs a predicted end
    expect(dateOk(null, closed)).toBe(false);
    expect(dateOk({}, closed)).toBe(false);
    expect(dateOk({ from: null, to: null }, { from: null, to: null })).toBe(true);
    expect(dateOk({ from: '1999-01-01', to: '2025-06-04' }, { from: null, to: '2025-06-04' })).toBe(true);
    expect(dateOk({ from: '2025-06-03' }, null)).toBeNull();
  });
});

describe('relations through the pairing', () => {
  it('maps predicted ids to gold ids, within and across items; dedupes triples', () => {
    const g1 = gold('r', [
      gs('s1', 'A A', 'the deal is done and signed'),
      gs('s2', 'B B', 'there is no deal at all', { relations: [{ type: 'contradicts', target: 's1' }] }),
    ]);
    const g2 = gold('r2', [gs('s1', 'C C', 'we will see what happens next', { relations: [{ type: 'responds_to', target: 'r#s2' }] })]);
    const p1 = pred('r', [
      ps('p9', 'A A', 'the deal is done and signed'),
      ps('p7', 'B B', 'there is no deal at all', {
        relations: [
          { type: 'contradicts', target: 'p9' }, // right
          { type: 'contradicts', target: 'r#p9' }, // the same triple again: counted once
          { type: 'supports', target: 'p9' }, // wrong type
        ],
      }),
      ps('p8', 'Z Z', 'completely unrelated words here', { relations: [{ type: 'contradicts', target: 'p9' }] }), // unmatched source
    ]);
    const p2 = pred('r2', [ps('q1', 'C C', 'we will see what happens next', { relations: [{ type: 'responds_to', target: 'r#p7' }] })]);
    const r = score([g1, g2], [p1, p2]);
    // gold: (contradicts, r#s2, r#s1), (responds_to, r2#s1, r#s2) = 2
    // predicted: the two right ones + (supports, r#s2, r#s1) + (contradicts, ?r#p8, r#s1) = 4, 2 right
    // P = 2/4, R = 2/2, F1 = 2*0.5*1/1.5 = 0.667
    expect(r.counts).toMatchObject({ relations_gold: 2, relations_predicted: 4, relations_matched: 2 });
    expect(r.totals).toMatchObject({ relation_p: 0.5, relation_r: 1, relation_f1: 0.667 });
  });

  it('a relation to an unmatched target does not count', () => {
    const g = gold('r', [gs('s1', 'A A', 'the deal is done'), gs('s2', 'B B', 'there is no deal', { relations: [{ type: 'contradicts', target: 's1' }] })]);
    const p = pred('r', [ps('p2', 'B B', 'there is no deal', { relations: [{ type: 'contradicts', target: 'p1' }] })]);
    const r = score([g], [p]);
    // predicted triple (contradicts, r#s2, ?p1) never equals the gold one: P 0, R 0
    expect(r.totals).toMatchObject({ relation_p: 0, relation_r: 0, relation_f1: 0 });
  });
});

describe('kind, medium and via', () => {
  it('compares kind exactly, medium with empty = none, via by normalised names in order', () => {
    const g = gold('a', [
      gs('s1', 'A A', 'first statement words here', { kind: 'direct', medium: 'tweet', via: ['Reuters'] }),
      gs('s2', 'B B', 'second statement words here', { kind: 'indirect', medium: null, via: ['The Guardian', 'Reuters'] }),
    ]);
    const p = pred('a', [
      ps('p1', 'A A', 'first statement words here', { kind: 'Direct', medium: 'tweet', via: ['REUTERS'] }), // kind wrong (case), medium ok, via ok
      ps('p2', 'B B', 'second statement words here', { kind: 'indirect', medium: '', via: ['Reuters', 'Guardian'] }), // kind ok, medium ok ('' = none), via wrong order
    ]);
    const r = score([g], [p]);
    expect(r.totals).toMatchObject({ kind_accuracy: 0.5, medium_accuracy: 1, via_accuracy: 0.5 });
  });
});

describe('junk statements', () => {
  it('counts unmatched predictions overlapping a not_statements span and matched ones with one glued in', () => {
    const g = gold(
      'a',
      [gs('s1', 'Dmitry Peskov', 'most of its military specialists were still working in Venezuela')],
      { not_statements: ['© Getty Images', 'Read more: Kremlin says talks are over'] },
    );
    const p = pred('a', [
      // matched, with the caption glued in: "getty images" (2 tokens) is inside it and not inside the gold content
      ps('p1', 'Peskov', 'most of its military specialists were still working in Venezuela © Getty Images'),
      ps('p2', 'Peskov', '© Getty Images'), // unmatched, token F1 1.0 with the span
      ps('p3', 'Someone', 'Photo: Getty Images / Reuters'), // unmatched, contains "getty images"
      ps('p4', 'Someone', 'an unrelated remark entirely'), // unmatched, no junk
      ps('p5', 'Someone', 'Read more: talks'), // "read more talks" vs 8 tokens: common 3, P 1, R 3/8 -> 0.545 >= 0.5
    ]);
    const r = score([g], [p]);
    expect(r.totals.junk_statements).toBe(4);
    expect(r.per_item[0].junk).toBe(4);
    expect(r.totals).toMatchObject({ matched: 1, predicted: 5 });
  });

  it('a matched statement whose gold content contains the span is not junk', () => {
    const g = gold('a', [gs('s1', 'A A', 'he said getty images would pay')], { not_statements: ['Getty Images'] });
    const r = score([g], [pred('a', [ps('p1', 'A A', 'he said Getty Images would pay')])]);
    expect(r.totals.junk_statements).toBe(0);
  });
});

describe('story clustering and items', () => {
  const golds = [
    gold('i1', [], { story: 'A' }),
    gold('i2', [], { story: 'A' }),
    gold('i3', [], { story: 'B' }),
    gold('i4', [], { story: 'B' }),
    gold('i5', [], { story: 'B' }),
  ];

  it('scores pairs of items present in both', () => {
    // i5 missing: pairs over i1..i4 = 6. Pred stories X X X null.
    // (1,2) same/same tp; (1,3) (2,3) pred-same only: fp 2; (3,4) gold-same only: fn 1; others neither
    // P 1/3, R 1/2, F1 = 2*(1/3)(1/2)/(5/6) = 0.4
    const preds = [pred('i1', [], 'X'), pred('i2', [], 'X'), pred('i3', [], 'X'), pred('i4', [], null)];
    const r = score(golds, preds);
    expect(r.totals).toMatchObject({ items: 5, items_missing: 1, cluster_p: 0.333, cluster_r: 0.5, cluster_f1: 0.4 });
    expect(r.missing).toEqual(['i5']);
    expect(r.per_item.map((x) => x.missing)).toEqual([false, false, false, false, true]);
  });

  it('null stories never pair up', () => {
    const preds = golds.map((g) => pred(g.article, [], null));
    expect(score(golds, preds).totals).toMatchObject({ cluster_p: 0, cluster_r: 0, cluster_f1: 0 });
  });

  it('ignores predictions for unknown items; a later line for an item replaces an earlier one', () => {
    const g = gold('a', [gs('s1', 'A A', 'one two three')]);
    const r = score([g], [pred('a', []), pred('zzz', [ps('p1', 'A A', 'one two three')]), pred('a', [ps('p1', 'A A', 'one two three')])]);
    expect(r.totals).toMatchObject({ items: 1, predicted: 1, matched: 1, detection_f1: 1 });
  });

  it('totals of a perfect and an empty prediction', () => {
    const g = gold('a', [gs('s1', 'A A', 'one two three'), gs('s2', 'B B', 'four five six')]);
    const perfect = score([g], [pred('a', g.statements as unknown as PredictedStatement[])]);
    expect(perfect.totals).toMatchObject({ gold_statements: 2, predicted: 2, matched: 2, detection_f1: 1, attributed_f1: 1, date_accuracy: null });
    const empty = score([g], []);
    expect(empty.totals).toMatchObject({ gold_statements: 2, predicted: 0, matched: 0, detection_f1: 0, kind_accuracy: null, items_missing: 1 });
  });
});

describe('loading predictions and the report text', () => {
  it('reads NDJSON as the reference does: CRLF, blank and comment lines, a BOM line skipped', () => {
    const text = '\ufeff{"article":"x"}\r\n\r\n# note\r\n  {"article":"a","statements":[]}  \r\n{"article":"b"}';
    expect(loadPredictions(text).map((p) => p.article)).toEqual(['a', 'b']);
  });

  it('formats one row per item and the totals', () => {
    const g = gold('dev-item', [gs('s1', 'A A', 'one two three')]);
    const out = formatReport(score([g, gold('other', [])], [pred('dev-item', [ps('p1', 'A A', 'one two three')])]));
    expect(out).toMatch(/dev-item\s+1\s+1\s+1\s+1\s+1\.000\s+1\.000\s+0/);
    expect(out).toMatch(/attributed_f1\s+1\.000/);
    expect(out).toMatch(/no prediction for: other/);
  });
});

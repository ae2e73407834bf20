/**
 * Kinds of mistakes fixed in extractor 0.2.0, each pinned with invented
 * sentences in house styles other than the dev corpus (business release,
 * court report, council live blog, names with particles and diacritics).
 */
import { WireItemSchema, type WireItem } from '@timeline/events';
import { extract } from './index';
import type { KnownStatement } from './types';
import { findDates, itemDayMs } from './dates';

function item(body: string, over: Partial<WireItem> = {}): WireItem {
  return WireItemSchema.parse({
    uri: 'urn:test:rel-dates',
    version: 1,
    pubstatus: 'usable',
    firstcreated: '2024-10-10T15:00:00Z', // a Thursday
    versioncreated: '2024-10-10T15:00:00Z',
    headline: 'Test',
    body_text: body,
    ...over,
  });
}

describe('said_at from context', () => {
  it('given a lede dated Thursday, when a later paragraph has a plain "said", then it is the news day', () => {
    const r = extract(
      item(
        'MERIDALE, Oct 10 (Northwire) - The Meridale harbour board said on Thursday that mooring fees would rise by a fifth next year.\n\n' +
          'Anneliese du Plessis, a trustee of the board, said the increase would pay for dredging the outer channel.',
      ),
    );
    const trustee = r.statements.find((s) => /du Plessis/.test(s.source.name))!;
    expect(trustee.saidAt).toEqual({ from: '2024-10-10', to: '2024-10-10' });
  });

  it('given a weekday after "until" or a future "would", when dating a statement, then that day is not when it was said', () => {
    const r = extract(item('The canal authority said the lock would reopen on Saturday and that no barges had passed since Monday.'));
    expect(r.statements).toHaveLength(1);
    expect(r.statements[0].saidAt?.from).not.toBe('2024-10-05');
    expect(r.statements[0].saidAt?.from).not.toBe('2024-10-07');
  });

  it('given a relative clause with its own day, when the cue has another day, then the cue\'s day wins', () => {
    const r = extract(item('The collective, which published its manifesto on Sunday, said on Tuesday that it would stage a second sit-in.'));
    expect(r.statements[0].saidAt).toEqual({ from: '2024-10-08', to: '2024-10-08' });
  });

  it('given "the next day" after a named day, when resolving, then it counts from that day', () => {
    const wed = itemDayMs('2024-10-10T15:00:00Z');
    const f = findDates('The jury retired on Monday and returned a verdict the next day.', wed);
    expect(f.map((x) => x.range)).toContainEqual({ from: '2024-10-08', to: '2024-10-08' });
  });
});

describe('relations a careful editor reads', () => {
  it('given a dismissal of "the mayor\'s remarks", when extracted, then it contradicts the mayor\'s statement, not the nearest one', () => {
    const r = extract(
      item(
        'Mayor Ingrid Solberg said on Thursday that the tram extension would open before Christmas.\n\n' +
          'The transit union said drivers had not yet been trained for the new line.\n\n' +
          'Councillor Bram van Aalst dismissed the mayor\'s remarks as « a fantasy ». "Nobody on this council believes that date," he said.',
      ),
    );
    const mayor = r.statements.find((s) => /Solberg/.test(s.source.name))!;
    const dismissal = r.statements.find((s) => /van Aalst/.test(s.source.name))!;
    expect(dismissal.relations).toContainEqual({ type: 'contradicts', target: mayor.statementId });
    expect(dismissal.relations.some((x) => x.target !== mayor.statementId)).toBe(false);
  });

  it('given a speaker who says what she said earlier "is not accurate now", when an earlier item holds her statement, then it corrects that statement', () => {
    const earlier: KnownStatement = {
      statementId: 'st-earlier',
      itemUri: 'urn:test:earlier',
      speaker: 'Élodie Marchetti',
      speakerType: 'person',
      role: 'refinery spokeswoman',
      content: 'there was no evidence of a leak at the refinery',
      kind: 'indirect',
      saidAt: { from: '2024-10-08', to: '2024-10-08' },
    };
    const other: KnownStatement = { ...earlier, statementId: 'st-other', speaker: 'Piet Janssens', role: 'fire chief', content: 'crews had contained the fire' };
    const r = extract(
      item('Élodie Marchetti said on Thursday that engineers had found a leak in a cooling pipe. "What I said on Tuesday was accurate then. It is not accurate now," she said.'),
      { storyStatements: [other, earlier], knownSpeakers: [] },
    );
    expect(r.statements.length).toBeGreaterThan(0);
    for (const s of r.statements) expect(s.relations).toContainEqual({ type: 'corrects', target: 'st-earlier' });
  });

  it('given "I was wrong" from a speaker with an earlier claim in the story, when extracted, then it retracts that claim', () => {
    const earlier: KnownStatement = {
      statementId: 'st-claim',
      itemUri: 'urn:test:earlier',
      speaker: 'Tomás Ó Briain',
      speakerType: 'person',
      role: null,
      content: 'the ferry operator had falsified its safety logs',
      kind: 'indirect',
      saidAt: null,
    };
    const r = extract(item('"The logs I saw were drafts, not the final records. I was wrong," Tomás Ó Briain told the tribunal on Thursday.'), {
      storyStatements: [earlier],
      knownSpeakers: [],
    });
    expect(r.statements[0].relations).toContainEqual({ type: 'retracts', target: 'st-claim' });
  });

  it('given a verdict that another speaker\'s figures are wrong, when extracted, then it contradicts that speaker', () => {
    const r = extract(
      item(
        'The Brackwater Anglers\' Association said on Thursday that catches had fallen by half since the weir was built.\n\n' +
          '"The association\'s figures are simply wrong. Our counts show no decline," Dr Keziah Obuya, the river trust\'s ecologist, said.',
      ),
    );
    const anglers = r.statements.find((s) => /Anglers/.test(s.source.name))!;
    const verdict = r.statements.find((s) => /Obuya/.test(s.source.name))!;
    expect(verdict.relations).toContainEqual({ type: 'contradicts', target: anglers.statementId });
  });

  it('given a spokeswoman for the company, when the company later confirms something, then it does not "support" its own spokeswoman', () => {
    const r = extract(
      item(
        'Halvard Shipping spokeswoman Ines Caro said on Tuesday that one vessel had been delayed by the storm.\n\n' +
          'The Pilots\' Guild said three vessels had been held outside the harbour overnight.\n\n' +
          'Halvard Shipping confirmed on Thursday that three of its vessels had been held outside the harbour.',
      ),
    );
    const confirm = r.statements.find((s) => /Halvard/.test(s.source.name) && /three of its vessels/.test(s.content))!;
    const caro = r.statements.find((s) => /Caro/.test(s.source.name))!;
    expect(confirm.relations.some((x) => x.target === caro.statementId)).toBe(false);
    const guild = r.statements.find((s) => /Guild/.test(s.source.name))!;
    expect(confirm.relations).toContainEqual({ type: 'supports', target: guild.statementId });
  });
});

describe('speaker boundaries', () => {
  it('given a company name the tagger reads as a verb, when it prefixes a role and name, then the person still speaks', () => {
    const r = extract(item('Halvard Shipping spokeswoman Ines Caro said on Tuesday that one vessel had been delayed by the storm.'));
    expect(r.statements).toHaveLength(1);
    expect(r.statements[0].source.name).toBe('Ines Caro');
  });

  it('given a quotation closed by a comma, when the name and an appositive follow before "said", then the quote is theirs', () => {
    const r = extract(item('"The weir has changed nothing. Our counts show no decline," Dr Keziah Obuya, the river trust\'s ecologist, said.'));
    expect(r.statements).toHaveLength(1);
    expect(r.statements[0].source.name).toMatch(/Keziah Obuya$/);
    expect(r.statements[0].kind).toBe('direct');
  });
});

/**
 * Regression tests for the kinds of mistake fixed in extractor 0.3.0, each on
 * invented sentences in house styles other than the dev corpus (business
 * desk, court report, sports desk, regional politics).
 */
import { WireItemSchema, type WireItem } from '@timeline/events';
import { extract } from './index';
import type { ExtractionContext } from './types';

function item(body: string, over: Partial<WireItem> = {}): WireItem {
  return WireItemSchema.parse({
    uri: 'urn:test:kinds',
    version: 1,
    pubstatus: 'usable',
    firstcreated: '2024-11-14T09:30:00Z', // a Thursday
    versioncreated: '2024-11-14T09:30:00Z',
    headline: 'Test',
    body_text: body,
    ...over,
  });
}

const byContent = (r: ReturnType<typeof extract>, re: RegExp) => r.statements.find((s) => re.test(s.content));

describe('speakers introduced by a role before their name', () => {
  it('given "The collective, which calls itself X, said", when extracted, then X speaks as an organisation with the role noun', () => {
    const r = extract(item('The collective, which calls itself Ashgrove Cells, said in a post on Tuesday that it had copied the ticketing database of the league.'));
    const s = byContent(r, /ticketing database/)!;
    expect(s.source.name).toBe('Ashgrove Cells');
    expect(s.source.type).toBe('organization');
  });

  it('given a descriptive role then an organisation name in apposition, when extracted, then the name is the speaker', () => {
    const r = extract(item("Portugal's second-biggest lender, Banco Alvorada, said on Monday it would cut 900 jobs by the end of next year."));
    expect(byContent(r, /900 jobs/)?.source.name).toBe('Banco Alvorada');
    expect(byContent(r, /900 jobs/)?.source.type).toBe('organization');
  });

  it('given a post held in an organisation before a person\'s name, when extracted, then the speaker stays a person', () => {
    const r = extract(item("The federation's general secretary, Ilse Morgenroth, said the strike would go ahead."));
    const s = byContent(r, /strike would go ahead/)!;
    expect(s.source.name).toBe('Ilse Morgenroth');
    expect(s.source.type).toBe('person');
  });

  it('given a role closed by a relative clause, when extracted, then the role stops before "who"', () => {
    const r = extract(item('Amara Osei, a forensic accountant who has audited the club since 2019, said the accounts had been signed off late.'));
    expect(byContent(r, /signed off late/)?.source.role).toBe('forensic accountant');
  });
});

describe('organisation names with connectives, and named pairs', () => {
  it('given "the X Chamber of Commerce said" and "the Rail and Metro Workers\' Federation said", when extracted, then the full organisation names speak', () => {
    const r = extract(
      item(
        "The Lusitanian Chamber of Commerce said the tariff would cost exporters 40 million euros a month.\n\nThe Rail and Metro Workers' Federation said its members would walk out on Friday.",
      ),
    );
    expect(byContent(r, /40 million euros/)?.source).toMatchObject({ name: 'Lusitanian Chamber of Commerce', type: 'organization', role: null });
    expect(byContent(r, /walk out on Friday/)?.source).toMatchObject({ name: "Rail and Metro Workers' Federation", type: 'organization' });
  });

  it('given two named people as one subject, when parsed, then they speak together as a group', () => {
    const r = extract(item('In a joint statement, Greta Lund and Tiago Sousa said the two clubs would share the stadium until 2027.'));
    expect(byContent(r, /share the stadium/)?.source).toMatchObject({ name: 'Greta Lund and Tiago Sousa', type: 'group' });
  });
});

describe('time expressions are never speakers', () => {
  it('given "…, a week after the insurer admitted that …", when extracted, then no statement is spoken by "week after the insurer"', () => {
    const r = extract(item('The chairman of Halvorsen Mutual stepped down on Wednesday, a week after the insurer admitted that its solvency figures had been overstated.'));
    expect(r.statements.some((s) => /week|after/i.test(s.source.name))).toBe(false);
  });
});

describe('nested attribution when the reported clause is only the next speaker', () => {
  it('given "A said B had assured him in a call on Friday that …", when extracted, then B speaks via A by phone, and A\'s earlier quote keeps its own medium', () => {
    const r = extract(
      item(
        'Interior Minister Pavel Okafor rejected the petition. "Nothing has been decided," he told a news conference.\n\nOkafor said Lindqvist had assured him in a telephone call on Friday that the border would stay open while the audit ran.',
      ),
    );
    const nested = byContent(r, /border would stay open/)!;
    expect(nested.source.name).toMatch(/Lindqvist/);
    expect(nested.via).toEqual(['Pavel Okafor']);
    expect(nested.medium).toBe('phone call');
    const own = byContent(r, /Nothing has been decided/)!;
    expect(own.medium).toBe('briefing');
  });
});

describe('names: shared surnames, bare surnames, quotes and "the company"', () => {
  it('given two known people sharing a surname, when the item names one in full and then uses the bare surname, then the bare surname is that one', () => {
    const ctx: ExtractionContext = {
      storyStatements: [],
      knownSpeakers: [
        { name: 'Tomas Duarte', type: 'person', role: 'a season-ticket holder', aliases: ['Duarte'] },
        { name: 'Ines Duarte', type: 'person', role: 'chief operating officer', aliases: ['Duarte'] },
      ],
    };
    const r = extract(
      item('Tomas Duarte quit the fans\' forum on Tuesday.\n\nIn an email to staff on Wednesday, Ines Duarte said sorry. Duarte wrote that she had relied on figures that turned out to be wrong.'),
      ctx,
    );
    expect(byContent(r, /relied on figures/)?.source.name).toBe('Ines Duarte');
  });

  it('given a bare surname whose bearer was named in full only inside another statement, when extracted, then the full name speaks and a name inside the quote does not take the pronoun', () => {
    const r = extract(
      item(
        'Prosecutor Hana Lindgren told the court on Monday that Marco Ferrante had moved the funds through a shell company run by his cousin, Luca Brandt.\n\nFerrante denied the charge. "I have never hidden my business with Luca Brandt, and I have never broken the law," he said in a statement.',
      ),
    );
    expect(byContent(r, /never broken the law/)?.source.name).toBe('Marco Ferrante');
  });

  it('given "the company has said" after a spokesman whose role names the company, when extracted, then the company (not the spokesman) speaks', () => {
    const r = extract(
      item(
        'Norrland Railways said on Monday it would refund all tickets. Company spokesman Erik Sand said the refunds would take a week.\n\nThe refunds cover journeys since August, the company has said.',
      ),
    );
    expect(byContent(r, /journeys since August/)?.source.name).toBe('Norrland Railways');
  });

  it('given a sentence opened by a role and a full name, when a pronoun follows, then the pronoun is that person', () => {
    const r = extract(
      item(
        'Coach Rafael Mendes said the squad was tired.\n\nClub president Ana Vidal apologised to supporters in a video on Wednesday. “We let you down tonight, and I am sorry,” she said.',
      ),
    );
    expect(byContent(r, /let you down/)?.source.name).toBe('Ana Vidal');
  });
});

describe('content around quoted words', () => {
  it('given a reported clause with a quoted word before "the company said", when extracted, then the clause is the content', () => {
    const r = extract(item('Halden Foods rejected that version of events. The batch had been “provisionally cleared” and was retested twice, the company said in a statement.'));
    const s = byContent(r, /retested twice/)!;
    expect(s.content).toMatch(/^The batch had been provisionally cleared/);
  });

  it('given "dismissed X as “Y” and said Z", when extracted, then one statement holds the verdict and the reason', () => {
    const r = extract(item('Club lawyer Sofia Brandao dismissed the appeal as “frivolous” and said the federation would seek costs “in full”.'));
    const s = byContent(r, /frivolous/)!;
    expect(s.content).toMatch(/federation would seek costs/);
    expect(r.statements.filter((x) => /Brandao/.test(x.source.name))).toHaveLength(1);
  });
});

describe('relations', () => {
  it('given "rejected the protest" where the protest is only in the lede, when extracted, then it contradicts the statement of the protesting side', () => {
    const r = extract(
      item(
        'Valdoria lodged a protest with Ostravia on Tuesday over plans to divert the Selva canal.\n\nIn a note, the Valdorian trade ministry said the diversion would cut shipping on the canal by a quarter.\n\nOstravian Trade Minister Karl Weiss, who took office in May, said the works would take two years.\n\nOstravian Foreign Minister Lena Brix rejected the protest. "Nothing will be cut. Valdoria has had the plans for a year," she told reporters.',
      ),
    );
    const ministry = byContent(r, /cut shipping/)!;
    const brix = byContent(r, /Nothing will be cut/)!;
    expect(brix.relations).toContainEqual({ type: 'contradicts', target: ministry.statementId });
  });

  it('given an arbiter saying both sets of figures could be right, when extracted, then it responds to both sides of the dispute', () => {
    const r = extract(
      item(
        'Growers said the harvest had fallen by a third. "The fields are half empty," said Joana Prates, who chairs the growers\' association.\n\nThe ministry disputed the growers\' account. Yields measured in October were 92 percent of the average, it said in a statement.\n\nLuis Serrano, an agronomist at the University of Evora, said both sets of figures could be accurate.',
      ),
    );
    const arbiter = byContent(r, /both sets of figures/)!;
    const ministry = byContent(r, /92 percent/)!;
    expect(ministry.relations.some((x) => x.type === 'contradicts')).toBe(true);
    const targets = arbiter.relations.filter((x) => x.type === 'responds_to').map((x) => x.target);
    expect(targets).toContain(ministry.statementId);
    expect(targets).toHaveLength(2);
  });

  it('given "both sides should return to the table", when extracted, then no responds_to pair is made', () => {
    const r = extract(item('The union said the offer was an insult.\n\nMediator Clara Holm said both sides should return to the table on Monday.'));
    expect(byContent(r, /return to the table/)?.relations ?? []).toEqual([]);
  });

  it('given a statement quoting a phrase of an earlier one and saying it was wrong, when extracted, then it contradicts that statement', () => {
    const r = extract(
      item(
        'Operator spokeswoman Mia Laine told reporters the outage had caused "no lasting damage" to the network.\n\nConsumer advocate Jonas Rehn said the operator should refund a month of fees. "They told us there was \'no lasting damage\'. Now we know there was plenty," he said.',
      ),
    );
    const laine = byContent(r, /no lasting damage/)!;
    const rehn = byContent(r, /Now we know/)!;
    expect(rehn.relations).toContainEqual({ type: 'contradicts', target: laine.statementId });
  });

  it('given a denial of an opponent\'s claim that was followed by a quote, when extracted, then the denial targets the claim, not the quote', () => {
    const r = extract(
      item(
        'Councillor Rosa Imre told the assembly on Monday that Deputy Mayor Paul Vick had "a clear conflict" because he had signed three leases for a firm run by his brother.\n\n"Voters deserve to know who is signing these leases," Imre told the assembly.\n\nVick rejected the claim. "I have never hidden my family ties, and I have never signed a lease for my brother," he said in a statement.',
      ),
    );
    const claim = byContent(r, /clear conflict/)!;
    const denial = byContent(r, /never hidden my family ties/)!;
    expect(denial.source.name).toBe('Paul Vick');
    expect(denial.relations).toContainEqual({ type: 'contradicts', target: claim.statementId });
  });

  it('given a researcher backing a group\'s claim with a quoted follow-up, when extracted, then both support the group\'s claim, not its spokesman\'s aside', () => {
    const r = extract(
      item(
        'The crew, which calls itself GreyWharf, said in a post on Sunday that it had the records of 2 million passengers.\n\n"Twelve years of neglect," the post said.\n\nFerry line spokesman Olaf Berg said the company would not pay.\n\nNils Aune, an independent researcher, said a sample released by the crew appeared genuine.\n\n"I rang ten of the passengers. Eight confirmed their bookings were real," he told Example Wire.',
      ),
    );
    const claim = byContent(r, /2 million passengers/)!;
    const sample = byContent(r, /appeared genuine/)!;
    const rang = byContent(r, /rang ten/)!;
    expect(sample.relations).toContainEqual({ type: 'supports', target: claim.statementId });
    expect(rang.relations).toContainEqual({ type: 'supports', target: claim.statementId });
  });

  it('given a denial followed in the next paragraph by the same speaker\'s quote, when extracted, then the quote contradicts the same claim', () => {
    const r = extract(
      item(
        'Club president Ana Vidal said on Tuesday the coach would be sacked, the Daily Courier reported.\n\nCoach Rafael Mendes denied the report on Wednesday, telling reporters that he had not been told anything of the kind.\n\n"I have a contract until 2026 and nobody has called me," Mendes said, according to the Courier.',
      ),
    );
    const claim = byContent(r, /would be sacked/)!;
    const denial = byContent(r, /not been told anything/)!;
    const quote = byContent(r, /nobody has called me/)!;
    expect(denial.relations).toContainEqual({ type: 'contradicts', target: claim.statementId });
    expect(quote.relations).toContainEqual({ type: 'contradicts', target: claim.statementId });
  });
});

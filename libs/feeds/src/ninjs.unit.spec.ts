import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { normalizeNinjs, NormalizationError } from '@timeline/feeds';

const corpus = path.resolve(__dirname, '../../../../shared/corpus');
const read = (p: string) => JSON.parse(readFileSync(path.join(corpus, p), 'utf8'));

describe('normalizeNinjs', () => {
  it('given a ninjs 1.x corpus item, keeps its fields and turns the version into a number', () => {
    const item = normalizeNinjs(read('articles/seed-kremlin-venezuela.json'));
    expect(item.uri).toBe('urn:newsml:example.org:20190604:seed-kremlin-venezuela');
    expect(item.version).toBe(1);
    expect(item.pubstatus).toBe('usable');
    expect(item.firstcreated).toBe('2019-06-04T15:02:00.000Z');
    expect(item.body_text).toContain('Peskov');
  });

  it('given ninjs 2.x and 3.x forms of one dpa item, reads the same uri, version, time and body', () => {
    const v2 = normalizeNinjs(read('feeds/ninjs/iptc-newsinjson/examples/2.1/dpa_text.json'));
    const v3 = normalizeNinjs(read('feeds/ninjs/iptc-newsinjson/examples/3.0/dpa_text.json'));
    expect(v3.uri).toBe(v2.uri);
    expect(v3.version).toBe(2);
    expect(v3.versioncreated).toBe('2019-05-10T14:02:28.000Z');
    expect(v3.headline).toBe(v2.headline);
    expect(v3.body_text.length).toBeGreaterThan(100);
    expect(v3.body_text).not.toMatch(/<[a-z]/);
    expect(v3.body_text).toBe(v2.body_text);
  });

  it('given ninjs 3.x camelCase fields, reads edNote, firstCreated and the plain description-less item', () => {
    const item = normalizeNinjs(read('feeds/ninjs/iptc-newsinjson/examples/3.0/ntb_text.json'));
    expect(item.version).toBe(6);
    expect(item.ednote).toBe('Noe utvidet.');
    expect(item.firstcreated).toBe('2019-08-09T09:30:04.000Z');
  });

  it('given an item without uri, refuses it naming the field', () => {
    expect(() => normalizeNinjs({ headline: 'x' })).toThrow(NormalizationError);
    expect(() => normalizeNinjs({ headline: 'x' })).toThrow(/^uri: missing/);
  });

  it('given a pubstatus outside the enum ("cancelled"), refuses it rather than treating it as usable', () => {
    const raw = read('feeds/ninjs/iptc-newsinjson/validation/test_suite/1.0/should_fail/007_pubstatus_cancelled.json');
    expect(() => normalizeNinjs({ versioncreated: '2020-01-01T00:00:00Z', ...raw })).toThrow(/pubstatus: "cancelled"/);
  });

  it('given a free-text date, refuses it naming the field', () => {
    expect(() => normalizeNinjs({ uri: 'u', versioncreated: 'Last Tuesday' })).toThrow(/versioncreated: "Last Tuesday" is not an ISO 8601/);
  });

  it('given a date-only versioncreated, takes midnight UTC', () => {
    expect(normalizeNinjs({ uri: 'u', versioncreated: '2019-09-24' }).versioncreated).toBe('2019-09-24T00:00:00.000Z');
  });

  it('given a non-numeric version, refuses it', () => {
    expect(() => normalizeNinjs({ uri: 'u', version: 'draft', versioncreated: '2019-09-24' })).toThrow(/^version: "draft"/);
  });
});

describe('normalizeNinjs: dates Postgres could not store', () => {
  it('regression: a year-0000 firstcreated was accepted and stopped the projector — now refused naming the field', () => {
    expect(() => normalizeNinjs({ uri: 'urn:x', version: 1, firstcreated: '0000-01-01T00:00:00Z', body_text: 'x' })).toThrow(/^firstcreated: "0000-01-01T00:00:00Z" is not a valid date-time/);
  });
  it('refuses a day that does not exist instead of rolling it over (30 February)', () => {
    expect(() => normalizeNinjs({ uri: 'urn:x', versioncreated: '2019-02-30T10:00:00Z' })).toThrow(/^versioncreated: .* not a valid date-time/);
  });
  it('still accepts offsets and converts them to UTC', () => {
    expect(normalizeNinjs({ uri: 'urn:x', versioncreated: '2019-05-10T16:02:28+02:00' }).versioncreated).toBe('2019-05-10T14:02:28.000Z');
  });
});

describe('normalizeNinjs: fields of the wrong type', () => {
  it('regression: body_text: 5 was dropped silently (202, no statements) — now refused naming the field', () => {
    expect(() => normalizeNinjs({ uri: 'urn:x', versioncreated: '2020-01-01T00:00:00Z', body_text: 5 })).toThrow(/^body_text: must be a string, got number/);
  });
  it('a numeric uri is reported as the wrong type, not as missing', () => {
    expect(() => normalizeNinjs({ uri: 12, versioncreated: '2020-01-01T00:00:00Z' })).toThrow(/^uri: must be a string, got number/);
  });
});

import { v5 as uuidv5 } from 'uuid';
import { contentKey, deterministicId, statementId, TIMELINE_NAMESPACE } from './ids';

describe('deterministicId', () => {
  it('given names in any script, when minted, then the id is exactly uuid v5 over the parts joined by U+001F', () => {
    const names = [
      ['stmt', 'urn:example:1', 'dmitry peskov', 'we are still working in venezuela'],
      ['speaker', 'étienne de la fontaine'],
      ['item', 'urn:x', 3],
      ['stmt', 'urn:ü', 'łukasz żmuda', '东京 😀 naïve'],
      [''],
    ];
    for (const parts of names) expect(deterministicId(...parts)).toBe(uuidv5(parts.map(String).join('\u001f'), TIMELINE_NAMESPACE));
    expect(statementId('u', 's', 'c')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('given a lone surrogate, when minted, then it fails as uuid does (not encodable as UTF-8)', () => {
    expect(() => deterministicId('x\ud800y')).toThrow(URIError);
  });
});

describe('contentKey', () => {
  it('given ASCII and non-ASCII text, when keyed, then letters and digits of any script stay, lower case, single spaces', () => {
    expect(contentKey('  "We will NOT pay," she said -- 2025! ')).toBe('we will not pay she said 2025');
    expect(contentKey('Ｆｕｌｌ width, Étienne’s ﬁne')).toBe('full width étienne s fine');
    expect(contentKey('a_b\tc')).toBe('a b c');
  });
});

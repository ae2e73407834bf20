import * as iconv from 'iconv-lite';
import { detect as detectCharset } from 'chardet';
import { NormalizationError } from './errors';

/** How the character encoding of a document was decided (in this order of precedence). */
export type EncodingSource = 'bom' | 'http' | 'xml-declaration' | 'html-meta' | 'detected' | 'default';

/** A decoded document. */
export interface DecodedText {
  text: string;
  /** iconv-lite name of the encoding used, lower case (e.g. `utf-8`, `windows-1252`, `koi8-r`). */
  encoding: string;
  decidedBy: EncodingSource;
  /** Labels that were present but unusable (unknown to iconv-lite), e.g. `encoding="bogus"`. */
  ignored: string[];
}

/**
 * Label aliases after the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels):
 * browsers (and feed readers) read latin-1 and ASCII labels as windows-1252,
 * and gb2312 as gbk/gb18030 — documents so labelled routinely contain those
 * supersets' characters (feedparser test `http_application_atom_xml_gb2312_charset_overrides_encoding`).
 */
const ALIASES: Record<string, string> = {
  'us-ascii': 'windows-1252', ascii: 'windows-1252', 'iso-8859-1': 'windows-1252', 'iso8859-1': 'windows-1252', iso_8859_1: 'windows-1252',
  'iso_8859-1': 'windows-1252', latin1: 'windows-1252', 'latin-1': 'windows-1252', l1: 'windows-1252', cp1252: 'windows-1252',
  gb2312: 'gb18030', gbk: 'gb18030', 'x-gbk': 'gb18030', utf8: 'utf-8', 'unicode-1-1-utf-8': 'utf-8', 'x-sjis': 'shift_jis',
  'iso-8859-8-i': 'iso-8859-8', 'ks_c_5601-1987': 'euc-kr',
};

/** Normalize a charset label, or null when iconv-lite does not know it. */
export function charsetName(label: string | undefined | null): string | null {
  if (!label) return null;
  const l = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!l) return null;
  const name = ALIASES[l] ?? l;
  return iconv.encodingExists(name) ? name : null;
}

/** The `charset` parameter of a Content-Type header value (tolerates spaces and quotes: `text/xml;charset = us-ascii`). */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*["']?([^;"'\s]+)/i.exec(contentType ?? '');
  return m?.[1];
}

function bomOf(b: Uint8Array): { enc: string; len: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { enc: 'utf-8', len: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { enc: 'utf-32le', len: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { enc: 'utf-32be', len: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { enc: 'utf-16le', len: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { enc: 'utf-16be', len: 2 };
  return null;
}

/** XML 1.0 Appendix F: the byte pattern of `<?` / `<` without a BOM tells a 16/32-bit encoding. */
function wideWithoutBom(b: Uint8Array): string | null {
  if (b.length < 4) return null;
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0 && b[3] === 0) return 'utf-32le';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x3c) return 'utf-32be';
  if (b[0] === 0x3c && b[1] === 0 && b[2] !== 0) return 'utf-16le';
  if (b[0] === 0 && b[1] === 0x3c && b[3] !== 0) return 'utf-16be';
  return null;
}

function isValidUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decide the character encoding of a document and decode it — the ONE place
 * where this is done for every format. Precedence (RFC 7303 §3 for XML, the
 * WHATWG HTML "encoding sniffing algorithm" for HTML):
 * 1. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
 * 2. the HTTP `charset` (`opts.charset`, else the Content-Type parameter);
 * 3. the XML declaration `encoding="…"` (read through the UTF-16/32 byte
 *    pattern of XML Appendix F when there is no BOM), or an HTML
 *    `<meta charset>` / `http-equiv` in the first 4 KiB;
 * 4. detection: valid UTF-8 is UTF-8, otherwise chardet's best guess,
 *    otherwise windows-1252.
 * Unknown labels (`encoding="bogus"`) are skipped to the next rule and
 * listed in `ignored`. Text is converted with iconv-lite; invalid bytes in a
 * declared encoding become U+FFFD (WHATWG decode), never a crash.
 * C1 control characters (U+0080–U+009F, never text) are read as the
 * windows-1252 characters they almost always are (feedparser `demoronize`).
 * @param bytes the document as received; a string is taken as already decoded.
 */
export function decodeDocument(bytes: Uint8Array | string, opts: { contentType?: string; charset?: string } = {}): DecodedText {
  if (typeof bytes === 'string') return { text: fixC1(bytes.replace(/^\uFEFF/, '')), encoding: 'utf-16', decidedBy: 'default', ignored: [] };
  const ignored: string[] = [];
  const decode = (enc: string, by: EncodingSource, skip = 0): DecodedText => {
    let text: string;
    try {
      text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset + skip, bytes.byteLength - skip), enc, { stripBOM: true });
    } catch (err) {
      throw new NormalizationError('(document)', `cannot decode as ${enc}: ${(err as Error).message}`);
    }
    return { text: fixC1(text), encoding: enc, decidedBy: by, ignored };
  };

  const bom = bomOf(bytes);
  if (bom) return decode(bom.enc, 'bom', bom.len);

  const httpLabel = opts.charset ?? charsetFromContentType(opts.contentType);
  if (httpLabel) {
    const enc = charsetName(httpLabel);
    if (enc) return decode(enc === 'utf-16' ? (wideWithoutBom(bytes) ?? 'utf-16le') : enc, 'http');
    ignored.push(httpLabel);
  }

  const wide = wideWithoutBom(bytes);
  const head = wide ? iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 2048)), wide) : Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString('latin1');
  const xmlDecl = /^\s*(?:<!--[\s\S]*?-->\s*)*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/.exec(head);
  if (xmlDecl) {
    const enc = charsetName(xmlDecl[1]);
    if (enc) {
      // A 16/32-bit document's declaration names the family; the byte pattern gives the order.
      if (wide && /^utf-(16|32)/.test(enc)) return decode(wide, 'xml-declaration');
      if (!wide) return decode(enc, 'xml-declaration');
    } else ignored.push(xmlDecl[1]);
  }
  if (wide) return decode(wide, 'detected');
  if (!xmlDecl && /<html|<meta/i.test(head)) {
    const meta = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)/i.exec(head);
    if (meta) {
      const enc = charsetName(meta[1]);
      if (enc) return decode(enc === 'utf-16' ? 'utf-8' : enc, 'html-meta');
      ignored.push(meta[1]);
    }
  }
  if (isValidUtf8(bytes)) return decode('utf-8', /[\x80-\xff]/.test(head) || bytes.some((b) => b > 0x7f) ? 'detected' : 'default');
  const guess = charsetName(detectCharset(bytes));
  return decode(guess ?? 'windows-1252', 'detected');
}

/** windows-1252 bytes 0x80–0x9F → Unicode (undefined slots keep their C1 code point). */
const CP1252_C1 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Replace C1 control characters with the windows-1252 characters they stand for. */
export function fixC1(s: string): string {
  return /[\u0080-\u009f]/.test(s) ? s.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]) : s;
}

/**
 * Repair double-encoded text ("mojibake"): UTF-8 bytes that were read as
 * windows-1252/latin-1 and re-encoded ("â€¦" → "…", "Ã©" → "é"). Only runs
 * of characters whose windows-1252 bytes form one complete, valid UTF-8
 * sequence are replaced, so genuine accented text is left alone
 * (feedparser tests `double-encoded-html`, `bozo_double-encoded-html`).
 */
export function repairMojibake(s: string): string {
  const fixed = fixC1(s);
  return fixed.replace(/[\u00c2-\u00f4][\u00a0-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178\u0081\u008d\u008f\u0090\u009d]{1,3}/g, (m) => {
    // windows-1252 bytes; its five undefined slots (0x81, 0x8D, 0x8F, 0x90, 0x9D) stand for themselves
    const bytes = Buffer.from([...m].map((c) => (/[\u0080-\u009f]/.test(c) ? c.charCodeAt(0) : iconv.encode(c, 'windows-1252')[0])));
    const lead = bytes[0];
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (bytes.length !== need) {
      if (bytes.length < need) return m;
      // longer run: repair only the first sequence, keep the rest as is
      const head = bytes.subarray(0, need);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(head) + m.slice(need);
      } catch {
        return m;
      }
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return m;
    }
  });
}

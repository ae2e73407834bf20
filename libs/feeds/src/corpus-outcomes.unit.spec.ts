import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { normalizeDocument, NormalizationError } from '@timeline/feeds';

/**
 * Every file of ../shared/corpus/feeds (MANIFEST.md) with its expected
 * outcome: normalized (format, items, refused entries) or refused as a whole
 * with a one-line message. Run with the delivery context a feed would have:
 * a receive time and the document's URL (as Content-Location would give it).
 */
const root = path.resolve(__dirname, '../../../../shared/corpus/feeds');
type Expect = { format: string; items: number; rejected: number } | { refused: RegExp };

const EXPECTED: Array<[string, Expect]> = [
  ['atom/kurtmckee-feedparser/tests/encoding/http_application_atom_xml_gb2312_charset_overrides_encoding.xml', { format: 'atom', items: 0, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/encoding/no_content_type_default.xml', { format: 'atom', items: 0, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/entities/attr_amp.xml', { format: 'atom', items: 0, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/entities/hex_entity_x_lowercase.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/illformed/chardet/big5.xml', { format: 'atom', items: 0, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/amp/amp01.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom/entry_created.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom/entry_published_parsed_date_overwriting.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom/entry_updated_multiple_values.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom/entry_updated_parsed.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_authors_name.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_content_base64.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_content_div_escaped_markup.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_content_escaped_markup.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_content_inline_markup.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_id.xml', { format: 'atom', items: 1, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_id_no_normalization_1.xml', { format: 'atom', items: 1, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_id_with_attributes.xml', { format: 'atom', items: 1, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/entry_source_id.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/atom10/relative_uri_inherit.xml', { format: 'atom', items: 0, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/base/entry_content_xml_base_inherit_2.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/base/http_entry_content_base_content_location.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/lang/entry_content_xml_lang_inherit.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/namespace/atomthreadingwithentry.xml', { format: 'atom', items: 1, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/node_precedence/atom10_id.xml', { format: 'atom', items: 2, rejected: 0 }],
  ['atom/kurtmckee-feedparser/tests/wellformed/sanitize/entry_content_script_cdata.xml', { format: 'atom', items: 0, rejected: 1 }],
  ['html/mozilla-readability/test/test-pages/003-metadata-preferred/expected-metadata.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['html/mozilla-readability/test/test-pages/003-metadata-preferred/source.html', { format: 'html', items: 1, rejected: 0 }],
  ['html/mozilla-readability/test/test-pages/005-unescape-html-entities/expected-metadata.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['html/mozilla-readability/test/test-pages/005-unescape-html-entities/source.html', { format: 'html', items: 1, rejected: 0 }],
  ['html/mozilla-readability/test/test-pages/base-url-base-element-relative/expected-metadata.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['html/mozilla-readability/test/test-pages/base-url-base-element-relative/source.html', { format: 'html', items: 1, rejected: 0 }],
  ['html/mozilla-readability/test/test-pages/hidden-nodes/expected-metadata.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['html/mozilla-readability/test/test-pages/hidden-nodes/source.html', { format: 'html', items: 1, rejected: 0 }],
  ['html/mozilla-readability/test/test-pages/missing-paragraphs/expected-metadata.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['html/mozilla-readability/test/test-pages/missing-paragraphs/source.html', { format: 'html', items: 1, rejected: 0 }],
  ['html/mozilla-readability/test/test-pages/parsely-metadata/expected-metadata.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['html/mozilla-readability/test/test-pages/parsely-metadata/source.html', { format: 'html', items: 1, rejected: 0 }],
  ['html/mozilla-readability/test/test-pages/rtl-1/expected-metadata.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['html/mozilla-readability/test/test-pages/rtl-1/source.html', { format: 'html', items: 1, rejected: 0 }],
  ['html/mozilla-readability/test/test-pages/title-and-h1-discrepancy/expected-metadata.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['html/mozilla-readability/test/test-pages/title-and-h1-discrepancy/source.html', { format: 'html', items: 1, rejected: 0 }],
  ['jsonfeed/kurtmckee-feedparser/tests/json/example.json', { format: 'jsonfeed', items: 2, rejected: 0 }],
  ['jsonfeed/manton-JSONFeed/extracted/spec-1-example-1-simple.json', { format: 'jsonfeed', items: 2, rejected: 0 }],
  ['jsonfeed/manton-JSONFeed/extracted/spec-1-example-2-podcast.json', { format: 'jsonfeed', items: 1, rejected: 0 }],
  ['jsonfeed/manton-JSONFeed/extracted/spec-1-example-3-microblog.json', { format: 'jsonfeed', items: 1, rejected: 0 }],
  ['jsonfeed/manton-JSONFeed/extracted/spec-1.1-example-1-simple.json', { format: 'jsonfeed', items: 2, rejected: 0 }],
  ['jsonfeed/manton-JSONFeed/extracted/spec-1.1-example-2-podcast.json', { format: 'jsonfeed', items: 1, rejected: 0 }],
  ['jsonfeed/manton-JSONFeed/extracted/spec-1.1-example-3-microblog.json', { format: 'jsonfeed', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsinjson/tools/xslt/TT_newsmlg2_sample.xml', { format: 'newsml-g2', items: 2, rejected: 1 }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_1_A_NewsML-G2_News_Item.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_22_Sports_story_in_NewsML-G2NITF.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_24_News_Message_conveying_a_complete_News_Package.xml', { format: 'newsml-g2', items: 0, rejected: 5 }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml', { refused: /^\(document\): unrecognized XML document: root element <content/ }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_28_Illustrating_Located_Subject_and_Dateline.xml', { refused: /^\(document\): unrecognized XML document: root element <content/ }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_29_Hop_History.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_2_NewsML-G2_Text_Document.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_3_Photo_in_NewsML-G2.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/examples/LISTING_6_Simple_NewsML-G2_Package.xml', { refused: /^\(item\): a NewsML\-G2 packageItem carries no text; only newsIt/ }],
  ['newsml-g2/iptc-newsml-g2/examples/ap_metadata_example.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.10/should_pass/001_simplest_file.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.11/should_pass/002_ruby_text.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.20/should_pass/CR00183_qcodetype_attributes_cardinality.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.21/should_pass/CR00184_partmeta_properties.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.30/should_fail/CR00212_02_residrefformaturi_badly_formatted.xml', { refused: /^\(item\): a NewsML\-G2 packageItem carries no text; only newsIt/ }],
  ['newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.30/should_pass/CR00212_01_residrefformat.xml', { refused: /^\(item\): a NewsML\-G2 packageItem carries no text; only newsIt/ }],
  ['newsml-g2/iptc-newsml-g2/tests/unit_test_files/2.9/should_pass/CR00138_signal_severity.xml', { format: 'newsml-g2', items: 1, rejected: 0 }],
  ['newsml1-nitf/iptc-newsinjson/examples/NewsML/businesswire-newsml-20130605006126.xml', { refused: /^\(document\): NewsML 1\.x is not supported \(send NewsML\-G2, nin/ }],
  ['newsml1-nitf/iptc-newsinjson/examples/NewsML/businesswire-newsml-20130731006140.xml', { refused: /^\(document\): NewsML 1\.x is not supported \(send NewsML\-G2, nin/ }],
  ['newsml1-nitf/iptc-newsinjson/tools/xslt/NTB_nitf_sample.xml', { refused: /^\(document\): a standalone NITF document is not supported \(sen/ }],
  ['newsml1-nitf/iptc-newsinjson/tools/xslt/afp.com_newsml1.2_sample.xml', { refused: /^\(document\): NewsML 1\.x is not supported \(send NewsML\-G2, nin/ }],
  ['ninjs/iptc-newsinjson/examples/1.4/businesswire-newsml-20130605006126.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/1.4/ninjsExComplex1.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/2.1/dpa_text.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/3.0/20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-ever-addb-ninjs-nitf.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/3.0/ap_video.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/3.0/businesswire-newsml-20130731006140.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/3.0/dpa_text.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/3.0/ninjsExSimpleText_3.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/3.0/ntb_text.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/examples/3.0/tt_text_image_3.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/specification/ninjs-schema_1.6.json', { refused: /^uri: missing \(the item identity is required\)/ }],
  ['ninjs/iptc-newsinjson/specification/ninjs-schema_2.1.json', { refused: /^uri: missing \(the item identity is required\)/ }],
  ['ninjs/iptc-newsinjson/specification/ninjs-schema_3.1.json', { refused: /^uri: missing \(the item identity is required\)/ }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_fail/001_no_uri_declared.json', { refused: /^\(document\): JSON that is neither a ninjs item \(no uri\) nor a/ }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_fail/007_pubstatus_cancelled.json', { refused: /^pubstatus: "cancelled" is not one of usable, withheld, cance/ }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_fail/009_body_text_with_cr.json', { refused: /^\(document\): malformed JSON: Bad control character in string / }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_pass/014_version_anytext.json', { refused: /^version: "Version can be any text string" is not a whole num/ }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_pass/016_versioncreated_bad_datetime.json', { refused: /^versioncreated: "Last Tuesday" is not an ISO 8601 date\-time / }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_pass/017_versioncreated_date_only.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_pass/019_embargoed_bad_datetime.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_pass/022_pubstatus_withheld.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_pass/023_pubstatus_canceled.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.0/should_pass/034_body_text_and_html.json', { format: 'ninjs', items: 1, rejected: 0 }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.2/should_fail/005_pubstatus_replaced.json', { refused: /^pubstatus: "replaced" is not one of usable, withheld, cancel/ }],
  ['ninjs/iptc-newsinjson/validation/test_suite/1.2/should_pass/005_firstcreated_bad_datetime.json', { refused: /^firstcreated: "this field is not validated, so this passes t/ }],
  ['rss/danmactough-node-feedparser/test/feeds/rss-with-item-scoped-html-base.xml', { format: 'rss', items: 2, rejected: 0 }],
  ['rss/danmactough-node-feedparser/test/feeds/rss-with-relative-html-urls.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/danmactough-node-feedparser/test/feeds/rss-with-trailing-meta.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/danmactough-node-feedparser/test/feeds/saxerror.xml', { format: 'rss', items: 3, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/big5.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/bozo_bogus_encoding.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/bozo_double-encoded-html.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/encoding/bozo_encoding_mismatch_crash.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/bozo_http_text_plain.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/bozo_invalid-bytes-with-bom.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/bozo_linenoise.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/encoding/demoronize-1.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/encoding/double-encoded-html.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/encoding/encoding_attribute_crash.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/euc-kr-item.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/encoding/euc-kr.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/http_application_xml_charset_overrides_encoding.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/http_text_xml_charset_overrides_encoding.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/utf-16be-bom.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/utf-16le-autodetect.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/utf-32le-bom.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/encoding/utf-8-bom.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/entities/8217.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/entities/doesnotexist.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/entities/nbsp.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/illformed/aaa_illformed.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/illformed/always_strip_doctype.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/illformed/chardet/koi8r.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/illformed/chardet/windows1255.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/illformed/http_high_bit_date.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/illformed/rss_empty_document.xml', { refused: /^\(document\): empty document: no root element/ }],
  ['rss/kurtmckee-feedparser/tests/illformed/rss_incomplete_cdata.xml', { refused: /^\(document\): malformed XML at line 1, column 1: unclosed elem/ }],
  ['rss/kurtmckee-feedparser/tests/illformed/rss_item_link_corrupted_ampersands.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/illformed/undeclared_namespace.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/namespace/rss1.0withModules.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/namespace/rss2.0NSwithModules.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/entity_in_doctype.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_category_multiple.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_content_encoded.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_dc_creator.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_dc_date_parsed.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_dc_subject_multiple.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_dcterms_modified_parsed.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_description_escaped_markup.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_description_naked_markup.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_description_not_a_doctype.xml', { format: 'rss', items: 0, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_expirationDate_multiple_values.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_guid.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_guid_isPermaLink_ValueError.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_guid_not_permalink.xml', { format: 'rss', items: 1, rejected: 0 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_multiple_dc_creator.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_pubDate_map_updated_parsed.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/item_xhtml_body.xml', { format: 'rss', items: 0, rejected: 1 }],
  ['rss/kurtmckee-feedparser/tests/wellformed/rss/rss_version_missing.xml', { format: 'rss', items: 0, rejected: 0 }],];

function listCorpus(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return f === 'LICENSES' ? [] : listCorpus(p);
    return f === 'MANIFEST.md' ? [] : [path.relative(root, p)];
  });
}

describe('feed corpus: every file normalized or refused with one clear line', () => {
  it('the table lists every corpus file exactly once (150)', () => {
    const files = listCorpus(root).sort();
    expect(files).toHaveLength(150);
    expect(EXPECTED.map(([f]) => f).sort()).toEqual(files);
  });

  it.each(EXPECTED)('%s', (rel, expected) => {
    const bytes = readFileSync(path.join(root, rel));
    const started = Date.now();
    let outcome: ReturnType<typeof normalizeDocument> | NormalizationError;
    try {
      outcome = normalizeDocument(bytes, { fileName: rel, receivedAt: '2026-01-01T00:00:00Z', baseUrl: `https://corpus.example/${rel}` });
    } catch (err) {
      // anything but a NormalizationError is a crash
      expect(err).toBeInstanceOf(NormalizationError);
      outcome = err as NormalizationError;
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    if ('refused' in expected) {
      expect(outcome).toBeInstanceOf(NormalizationError);
      const msg = (outcome as NormalizationError).message;
      expect(msg).toMatch(expected.refused);
      expect(msg).not.toMatch(/\n/);
      expect(msg.length).toBeLessThan(300);
    } else {
      expect(outcome).not.toBeInstanceOf(NormalizationError);
      const doc = outcome as ReturnType<typeof normalizeDocument>;
      expect({ format: doc.format, items: doc.items.length, rejected: doc.rejected.length }).toEqual(expected);
      for (const r of doc.rejected) expect(r.message).not.toMatch(/\n/);
      for (const item of doc.items) expect(item.body_text).not.toMatch(/\uFFFD|Ã[\u00a0-\u00bf]|â€/);
    }
  });
});

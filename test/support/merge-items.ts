/**
 * Three ninjs items of one developing story for story-merge tests: two
 * threads (the union's walkout, the port authority's terminals) that open two
 * stories, then an item that bridges them and so merges them.
 */
const ninjs = (uri: string, at: string, headline: string, body: string) => ({
  uri, type: 'text', version: '1', pubstatus: 'usable', firstcreated: at, versioncreated: at, headline, language: 'en', body_text: body,
});
export const union = ninjs(
  'urn:test:merge:union', '2025-03-04T09:00:00Z', 'Harbourton dockworkers walk out',
  'Maren Lind of the Dockworkers Union said on Monday the Harbourton walkout would go on.\n\n"We will stay out until the offer is fair," Lind said at Harbourton quay.',
);
export const authority = ninjs(
  'urn:test:merge:authority', '2025-03-04T11:00:00Z', 'Ostrand Port Authority shuts terminals',
  'Tobias Renn of the Ostrand Port Authority said on Tuesday the Ostrand terminals were shut.\n\n"The terminals stay closed for now," Renn said at Ostrand.',
);
export const bridge = ninjs(
  'urn:test:merge:bridge', '2025-03-05T10:00:00Z', 'Harbourton strike: Lind and Renn meet',
  'Maren Lind of the Dockworkers Union met Tobias Renn of the Ostrand Port Authority on Wednesday over the Harbourton walkout and the Ostrand terminals.\n\n"We talked for an hour," Renn said.',
);

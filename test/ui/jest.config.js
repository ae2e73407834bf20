/**
 * `npm run test:ui`: the browser test of the timeline page (*.ui.spec.ts),
 * kept out of `npm test`. Same transform as the other projects.
 */
const root = require('../../jest.config.js');
const base = { ...root.projects[0] };
module.exports = {
  ...base,
  rootDir: require('node:path').resolve(__dirname, '../..'),
  displayName: 'ui',
  testMatch: ['<rootDir>/test/ui/**/*.ui.spec.ts'],
};

/**
 * Jest projects by test level (Emmett's naming): *.unit.spec.ts run without
 * servers; *.int.spec.ts and *.e2e.spec.ts use the real Postgres and NATS.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@timeline/(.*)$': '<rootDir>/libs/$1/src',
};
// linkedom's dependencies (htmlparser2, css-select, ...) ship ES modules only;
// Node 20.19+ loads them with require(esm), jest does not, so swc turns them into CommonJS for tests.
const esmOnly = ['css-select', 'css-what', 'nth-check', 'domutils', 'htmlparser2', 'entities', 'domhandler', 'boolbase', 'dom-serializer', 'domelementtype', 'uhyphen', 'cssomnom'];
const base = {
  rootDir: __dirname,
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e.spec.ts'] },
  ],
};

// Mutation testing of the request path (`npm run test:mutation`; not part of `npm test`): Stryker changes the code
// one small way at a time (a `>` to `>=`, `true` to `false`, a string emptied) and runs the tests that cover it; a
// mutant no test notices is a gap in the tests. Score and the survivors judged equivalent: test/README.md.
// Needs Node.js 22 or later. While iterating, one module at a time: `npm run test:mutation -- --mutate src/api/cors.ts`.

/** The request path, by folder: every module in them is mutated, a new one without an edit here. */
export const REQUEST_PATH_FOLDERS = ['src/api', 'src/local/gateway'];

/**
 * Modules of those folders not mutated yet: the wiring, logging and SDK set-up, and the helpers the mutated modules
 * call, whose score has not been measured; and two of the gateway layer, measured low (test/README.md, "Mutation
 * testing"). Taking one off this list is how it joins.
 */
export const NOT_MUTATED_YET = [
  'src/api/api-handler.ts',
  'src/api/duplicate-keys.ts',
  'src/api/dynamodb-client.ts',
  'src/api/errors.ts',
  'src/api/lambda.ts',
  'src/api/log-fields.ts',
  'src/api/logger.ts',
  'src/api/openapi-request.ts',
  'src/api/precompiled-validators.ts',
  'src/api/utf8.ts',
  'src/local/gateway/gateway-responses.ts',
  'src/local/gateway/imported-definition.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  mutate: [...REQUEST_PATH_FOLDERS.map((folder) => `${folder}/**/*.ts`), ...NOT_MUTATED_YET.map((file) => `!${file}`)],
  // two shared cores: other work runs beside it
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // a later run re-tests only the mutants whose code or covering tests changed (reports/, not committed)
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
};

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two files at a time even on two cores (vitest's default there is one): most files wait on child processes
    // (dynalite, Prism, the CDK, Chromium) more than they compute, so the suite takes about half the time.
    maxWorkers: 2,
    // The AWS SDK warns once per process that Node 20 support ends; expected locally, noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      // Everything, the contract suite against the local server (or API_URL) included.
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'] } },
      // The same contract suite against the Prism mock of the spec.
      {
        extends: true,
        test: {
          name: 'contract:mock',
          include: ['test/contract/**/*.test.ts'],
          env: { CONTRACT_TARGET: 'mock', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      },
      // And against the client package's MSW handlers, in process (MSW's setupServer): they answer as the API does.
      {
        extends: true,
        test: {
          name: 'contract:msw',
          include: ['test/contract/**/*.test.ts'],
          env: { CONTRACT_TARGET: 'msw', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      },
    ],
  },
});

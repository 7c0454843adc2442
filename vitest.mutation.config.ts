/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`, stryker.config.mjs): the unit tests and the
 * integration tests of the request path on the real local server, without the slow ones that test something else
 * (faults' timeouts, crashes, the bundle, Prism, the docs). One project, no contract:mock.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/every-answer-finished.test.ts',
      'test/integration/customer-store.test.ts',
      'test/integration/raw-protocol.test.ts',
      'test/contract/**/*.test.ts',
    ],
  },
});

/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`, stryker.config.mjs): the unit tests and the
 * integration tests written for the request path (every answer over HTTP, the store on dynalite). The contract,
 * raw-protocol, fault, bundle, Prism and docs suites run the same code again, more slowly, for other ends.
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
    ],
  },
});

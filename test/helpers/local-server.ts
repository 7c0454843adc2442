/** Starts the real local server (real AWS SDK, dynalite in its own process) on a free port for a test file. */

import type { CustomerStore } from '../../src/api/customer-store.js';
import { createLogger, type Logger } from '../../src/api/logger.js';
import { type LocalServer, startLocalServer } from '../../src/local/server.js';
import { IN_MEMORY, type LocalServerConfig, readLocalServerConfig } from '../../src/shared/config.js';

export interface TestServerOptions {
  readonly config?: Partial<LocalServerConfig>;
  readonly logger?: Logger;
  readonly store?: CustomerStore;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<LocalServer> {
  const config: LocalServerConfig = {
    ...readLocalServerConfig({}),
    port: 0,
    dataDir: IN_MEMORY,
    externalDynamoDbEndpoint: undefined,
    // Test files run in parallel on shared cores, where connecting to dynalite and its answers can take longer than
    // the bounds users get (those have tests of their own in test/integration/faults.test.ts): slow is not lost.
    dynamoDbConnectTimeoutMs: 10_000,
    dynamoDbRequestTimeoutMs: 10_000,
    ...options.config,
  };
  return startLocalServer({
    config,
    logger: options.logger ?? createLogger('silent'),
    ...(options.store ? { store: options.store } : {}),
  });
}

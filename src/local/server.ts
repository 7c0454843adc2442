/**
 * The local server: the Lambda's own request handler (src/api/api-handler.ts) behind Node's HTTP server, on the embedded
 * DynamoDB or on the endpoint the user configured. This module only composes the pieces, each in a file named for
 * its job: the emulator (embedded-dynamodb.ts), the table (table.ts), the HTTP adapter (http-adapter.ts) and the
 * shutdown (shutdown.ts); a failed start-up is explained by startup-errors.ts.
 */
import { createApiHandler } from '../api/api-handler.js';
import type { CustomerStore } from '../api/customer-store.js';
import { createDynamoDbClient } from '../api/dynamodb-client.js';
import { createResponseFinisher } from '../api/finish-response.js';
import type { Logger } from '../api/logger.js';
import { gatewayDefinition } from '../generated/gateway-definition.js';
import type { LocalServerConfig } from '../shared/config.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startEmulator } from './embedded-dynamodb.js';
import { createApiGateway } from './gateway/api-gateway.js';
import { createHttpServer, listen } from './http-adapter.js';
import { drainOnClose } from './shutdown.js';
import { emulatorFailure, listenFailure, tableFailure } from './startup-errors.js';
import { ensureTable } from './table.js';

export interface LocalServer {
  /** Base URL, e.g. http://localhost:3000 */
  readonly url: string;
  /** DynamoDB endpoint in use: the emulator's, or the configured one. */
  readonly dynamoDbEndpoint: string;
  /** The embedded emulator's process id; undefined when a configured endpoint is used. */
  readonly emulatorPid: number | undefined;
  /** Stops accepting requests, lets those in flight finish, then stops the emulator. */
  close(): Promise<void>;
}

export interface LocalServerOptions {
  readonly config: LocalServerConfig;
  readonly logger: Logger;
  /** Replaces the store (fault-injection tests); the table is still created. */
  readonly store?: CustomerStore;
}

export async function startLocalServer({ config, logger, store }: LocalServerOptions): Promise<LocalServer> {
  const emulator = config.externalDynamoDbEndpoint
    ? undefined
    : await startEmulator(config.dataDir).catch((error: unknown) => {
        throw emulatorFailure(error, config);
      });
  const client = createDynamoDbClient({
    ...config,
    ...(emulator
      ? { endpoint: emulator.endpoint, credentials: EMULATOR_CREDENTIALS, region: EMULATOR_REGION }
      : { region: config.externalDynamoDbRegion }),
  });
  // What the HTTP adapter calls for each request: the Lambda's handler, as API Gateway calls it, behind the gateway
  // layer that applies what API Gateway imports (routing, the API key, the request validators, the gateway
  // responses). The adapter's own refusals, the gateway's and the handler's answers leave through one finishing step.
  const finish = createResponseFinisher({ config, logger });
  const handler = createApiHandler({ config, client, finish, ...(store ? { store } : {}) });
  const gateway = createApiGateway({
    definition: gatewayDefinition,
    apiKeys: config.apiKeys,
    corsAllowedOrigins: config.corsAllowedOrigins,
  });
  const server = createHttpServer(handler, finish, { requestTimeoutMs: config.requestTimeoutMs, gateway });
  const closeHttp = drainOnClose(server);
  let url: string;
  try {
    await ensureTable(client, config.tableName).catch((error: unknown) => {
      throw tableFailure(error, config);
    });
    url = await listen(server, config.port, config.host).catch((error: unknown) => {
      throw listenFailure(error, config);
    });
  } catch (error) {
    client.destroy();
    await emulator?.close();
    throw error;
  }
  let closing = false;
  void emulator?.exited.then(({ code, signal }) => {
    if (closing) return;
    logger.error('the embedded DynamoDB stopped; requests answer 503 until the server is restarted', { code, signal });
  });
  return {
    url,
    dynamoDbEndpoint: emulator?.endpoint ?? config.externalDynamoDbEndpoint ?? '',
    emulatorPid: emulator?.pid,
    async close() {
      closing = true;
      await closeHttp();
      client.destroy();
      await emulator?.close();
    },
  };
}

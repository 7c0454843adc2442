/**
 * The local server: the same request handler as the Lambda, behind a plain HTTP server, on the embedded DynamoDB
 * (or the endpoint the user configured).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream/promises';
import { createApiHandler } from '../api-handler.js';
import type { LocalServerConfig } from '../config.js';
import type { CustomerStore } from '../customer-store.js';
import { createDynamoDbClient } from '../dynamodb-client.js';
import { HttpError, PayloadTooLargeError } from '../errors.js';
import { toErrorResponse } from '../http-response.js';
import { describeError, type Logger } from '../logger.js';
import { MAX_BODY_BYTES, type ProxyHandler } from '../request-handler.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type Emulator,
  ensureTable,
  startEmulator,
} from './embedded-dynamodb.js';
import { answerProtocolErrors, edgeErrorFor } from './protocol-errors.js';
import { toProxyEvent, writeProxyResult } from './proxy-event.js';
import { readBody, refuseTooLarge } from './request-body.js';

export interface LocalServer {
  /** Base URL, e.g. http://localhost:3000 */
  readonly url: string;
  /** DynamoDB endpoint in use: the emulator's, or the configured one. */
  readonly dynamoDbEndpoint: string;
  /** The embedded emulator's process id; undefined when a configured endpoint is used. */
  readonly emulatorPid: number | undefined;
  /** Stops accepting requests, then stops the emulator. */
  close(): Promise<void>;
}

export interface LocalServerOptions {
  readonly config: LocalServerConfig;
  readonly logger: Logger;
  /** Replaces the store (fault-injection tests); the table is still created. */
  readonly store?: CustomerStore;
}

export async function startLocalServer({
  config,
  logger,
  store: givenStore,
}: LocalServerOptions): Promise<LocalServer> {
  const emulator: Emulator | undefined = config.externalDynamoDbEndpoint
    ? undefined
    : await startEmulator(config.dataDir);
  const client = createDynamoDbClient({
    ...config,
    ...(emulator ? { endpoint: emulator.endpoint, credentials: EMULATOR_CREDENTIALS, region: EMULATOR_REGION } : {}),
    ...(!emulator && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION ? { region: EMULATOR_REGION } : {}),
  });
  try {
    await ensureTable(client, config.tableName);
  } catch (error) {
    await emulator?.close();
    throw error;
  }
  let closing = false;
  void emulator?.exited.then(({ code, signal }) => {
    if (closing) return;
    logger.error('the embedded DynamoDB stopped; requests answer 503 until the server is restarted', {
      code,
      signal,
    });
  });
  const handler = createApiHandler({ config, client, logger, ...(givenStore ? { store: givenStore } : {}) });
  // Requests being answered: on close, they finish before the emulator stops under them.
  const inFlight = new Set<Promise<void>>();
  const server = createServer((request, response) => {
    const answered = serve(handler, request, response)
      .catch((error: unknown) => {
        logger.error('local server failed to answer', { error: describeError(error) });
        if (!response.headersSent) writeProxyResult(response, toErrorResponse(error));
        else response.destroy();
      })
      // in flight until the answer is handed to the socket, so that closing connections cannot cut it off
      .then(() => finished(response))
      .catch(() => {});
    inFlight.add(answered);
    void answered.finally(() => inFlight.delete(answered));
  });
  server.keepAliveTimeout = 65_000;
  answerProtocolErrors(server, MAX_BODY_BYTES);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host =
    config.host === '127.0.0.1' || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    url: `http://${host}:${port}`,
    dynamoDbEndpoint: emulator?.endpoint ?? config.externalDynamoDbEndpoint ?? '',
    emulatorPid: emulator?.pid,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
      client.destroy();
      await emulator?.close();
    },
  };
}

async function serve(handler: ProxyHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const refused = edgeErrorFor(request);
    if (refused) throw refused;
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === 'too-large') {
      return await refuseTooLarge(request, response, toErrorResponse(new PayloadTooLargeError(MAX_BODY_BYTES)));
    }
    // Every body goes on as bytes (as with binaryMediaTypes */*), so the handler can refuse what is not UTF-8.
    const event = toProxyEvent(request, body, { binaryMediaTypes: ['*/*'] });
    writeProxyResult(response, await handler(event));
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    writeProxyResult(response, toErrorResponse(error));
  }
}

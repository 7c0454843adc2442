/**
 * The local server: the same request handler as the Lambda, behind a plain HTTP server, on the embedded DynamoDB
 * (or the endpoint the user configured).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream/promises';
import type { APIGatewayProxyEvent } from 'aws-lambda';
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
import { toProxyEvent, writeProxyResult } from './proxy-event.js';

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
  // A request Node cannot parse as HTTP still gets the API's {message} shape (Node's default is an empty 400).
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    const body = JSON.stringify({ message: 'Malformed HTTP request' });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
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
  const body = await readBody(request);
  if (body === 'too-large') {
    // Answer at once and stop reading; the connection is closed since the rest of the body is not drained.
    response.setHeader('Connection', 'close');
    writeProxyResult(response, toErrorResponse(new PayloadTooLargeError(MAX_BODY_BYTES)));
    request.unpipe();
    request.resume();
    return;
  }
  let event: APIGatewayProxyEvent;
  try {
    // Every body goes on as bytes (as with binaryMediaTypes */*), so the handler can refuse what is not UTF-8.
    event = toProxyEvent(request, body, { binaryMediaTypes: ['*/*'] });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    writeProxyResult(response, toErrorResponse(error));
    return;
  }
  writeProxyResult(response, await handler(event));
}

/** The whole body, or 'too-large' as soon as it exceeds API Gateway's limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

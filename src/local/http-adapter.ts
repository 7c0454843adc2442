/**
 * The local server's HTTP adapter: Node's HTTP server in front of a proxy handler, as API Gateway is in front of the
 * Lambda. It reads the body (up to the API's limit; request-body.ts), turns the request into a v1 proxy event
 * (proxy-event.ts) and the result back into HTTP, and answers what Node would answer by itself in the API's
 * `{message}` shape (protocol-errors.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, PayloadTooLargeError } from '../errors.js';
import { toErrorResponse } from '../http-response.js';
import { describeError, type Logger } from '../logger.js';
import { MAX_BODY_BYTES, type ProxyHandler } from '../request-handler.js';
import { answerProtocolErrors, edgeErrorFor } from './protocol-errors.js';
import { toProxyEvent, writeProxyResult } from './proxy-event.js';
import { readBody, refuseTooLarge } from './request-body.js';

/** An HTTP server (not yet listening) that answers every request with `handler`. */
export function createHttpServer(handler: ProxyHandler, logger: Logger): Server {
  const server = createServer((request, response) => {
    serve(handler, request, response).catch((error: unknown) => {
      logger.error('local server failed to answer', { error: describeError(error) });
      if (!response.headersSent) writeProxyResult(response, toErrorResponse(error));
      else response.destroy();
    });
  });
  // Longer than the idle timeout of load balancers and clients that reuse connections, as API Gateway's is.
  server.keepAliveTimeout = 65_000;
  // What Node's HTTP layer would answer by itself (an empty 400, 417, 431…) gets the API's {message} shape.
  answerProtocolErrors(server, MAX_BODY_BYTES);
  return server;
}

/** Starts listening; resolves with the base URL, e.g. http://localhost:3000. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown}:${bound}`;
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
    // A request refused before the handler (a query string that is not UTF-8, a URI too long) is no failure.
    if (!(error instanceof HttpError)) throw error;
    writeProxyResult(response, toErrorResponse(error));
  }
}

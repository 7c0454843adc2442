/**
 * The local server's HTTP adapter: Node's HTTP server in front of a proxy handler, as API Gateway is in front of the
 * Lambda. It reads the body (up to the API's limit; request-body.ts), turns the request into a v1 proxy event
 * (proxy-event.ts) and the result back into HTTP. What it refuses itself (a query or header that is not UTF-8, a body
 * over the limit, a URI too long, and what Node would answer by itself: protocol-errors.ts) leaves through the same
 * finishing step as the handler's answers (src/finish-response.ts): CORS, Cache-Control and the `request` log line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PayloadTooLargeError } from '../errors.js';
import type { FinishResponse, RequestSummary } from '../finish-response.js';
import { MAX_BODY_BYTES, type ProxyHandler } from '../request-handler.js';
import { answerProtocolErrors, edgeErrorFor } from './protocol-errors.js';
import { toProxyEvent, writeProxyResult } from './proxy-event.js';
import { readBody, refuseTooLarge } from './request-body.js';
import { summaryOf } from './request-summary.js';

/** An HTTP server (not yet listening) that answers every request with `handler`, and refuses through `finish`. */
export function createHttpServer(handler: ProxyHandler, finish: FinishResponse): Server {
  const server = createServer((request, response) => {
    const summary = summaryOf(request);
    serve(handler, finish, summary, request, response).catch((error: unknown) => {
      if (!response.headersSent) writeProxyResult(response, finish(summary, { error }));
      else response.destroy();
    });
  });
  // Longer than the idle timeout of load balancers and clients that reuse connections, as API Gateway's is.
  server.keepAliveTimeout = 65_000;
  // What Node's HTTP layer would answer by itself (an empty 400, 417, 431…) gets the API's {message} shape.
  answerProtocolErrors(server, MAX_BODY_BYTES, finish);
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

async function serve(
  handler: ProxyHandler,
  finish: FinishResponse,
  summary: RequestSummary,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // A request refused before the handler (a URI too long, a query string that is not UTF-8) is no failure: its
  // HttpError is the answer, finished as any other.
  const refused = edgeErrorFor(request);
  if (refused) return writeProxyResult(response, finish(summary, { error: refused }));
  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === 'too-large') {
    return refuseTooLarge(request, response, finish(summary, { error: new PayloadTooLargeError(MAX_BODY_BYTES) }));
  }
  let event: ReturnType<typeof toProxyEvent>;
  try {
    // Every body goes on as bytes (as with binaryMediaTypes */*), so the handler can refuse what is not UTF-8.
    event = toProxyEvent(request, body, { binaryMediaTypes: ['*/*'] });
  } catch (error) {
    return writeProxyResult(response, finish(summary, { error }));
  }
  writeProxyResult(response, await handler(event));
}

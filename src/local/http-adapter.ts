/**
 * The local server's HTTP adapter: Node's HTTP server in front of a proxy handler, as API Gateway is in front of the
 * Lambda. It reads the body (up to the API's limit and within a time bound; request-body.ts), turns the request into
 * a v1 proxy event (proxy-event.ts) and the result back into HTTP. What it refuses itself (a header or target the API
 * does not take, a query or header that is not UTF-8, a body over the limit or too slow, and what Node would answer
 * by itself: protocol-errors.ts) leaves through the same finishing step as the handler's answers
 * (src/api/finish-response.ts): CORS, Cache-Control and the `request` log line. In front of the handler stands the
 * gateway layer (gateway/api-gateway.ts), as API Gateway stands in front of the Lambda: it routes and checks the API
 * key before anything else is read (a request without its key is a 403 before any refusal of its size or bytes), and
 * runs the method's request validator on the whole request before the handler sees it.
 *
 * Requests pipelined on one connection are served one after the other (RFC 9112 §9.3.2): Node answers them in order
 * but would run their handlers at once, so a GET could miss the PUT sent before it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { PayloadTooLargeError, RequestTimeoutError } from '../api/errors.js';
import type { FinishResponse, RequestSummary } from '../api/finish-response.js';
import { MAX_BODY_BYTES, type ProxyHandler } from '../api/request-handler.js';
import type { ApiGateway } from './gateway/api-gateway.js';
import type { GatewayRoute } from './gateway/imported-definition.js';
import { answerProtocolErrors, ClientClosedRequestError, mayContinue, requestErrorFor } from './protocol-errors.js';
import { targetUrl, toProxyEvent, writeProxyResult } from './proxy-event.js';
import { readBody, refuseSlowBody, refuseUnreadBody } from './request-body.js';
import { summaryOf } from './request-summary.js';

export interface HttpServerOptions {
  /** Time allowed for a request's headers, and then for its body, ms (LocalServerConfig.requestTimeoutMs). */
  readonly requestTimeoutMs: number;
  /** @default none: every request goes on to the handler's own checks */
  readonly gateway?: ApiGateway;
}

/** An HTTP server (not yet listening) that answers every request with `handler`, and refuses through `finish`. */
export function createHttpServer(handler: ProxyHandler, finish: FinishResponse, options: HttpServerOptions): Server {
  const { requestTimeoutMs } = options;
  // The request served last on each connection: the next one waits for it.
  const turns = new WeakMap<Socket, Promise<void>>();
  // How many requests of each connection the listener holds (served or waiting for their turn).
  const serving = new WeakMap<Duplex, number>();
  // Connections an answer closes (`Connection: close`, either side's): nothing pipelined after it is served.
  const closing = new WeakSet<Duplex>();
  const server = createServer(
    {
      // A missing Host is answered in the API's shape by requestErrorFor, not with Node's empty 400.
      requireHostHeader: false,
      // Slow headers are a 408 from Node (answered in the API's shape); a slow body a 408 from readBody, whose bound
      // starts when the body is first read. Node's own bound is the backstop for both together.
      headersTimeout: requestTimeoutMs,
      requestTimeout: 2 * requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 4))),
    },
    (request, response) => {
      const summary = summaryOf(request);
      const socket = request.socket;
      serving.set(socket, (serving.get(socket) ?? 0) + 1);
      const turn = (turns.get(socket) ?? Promise.resolve())
        .then(() => {
          // An earlier answer closed the connection: what was pipelined after it is not run (its client retries it).
          if (closing.has(socket)) return void response.destroy();
          if (socket.destroyed) {
            finish(summary, { error: new ClientClosedRequestError() });
            return void response.destroy();
          }
          if (!keepsAlive(request)) closing.add(socket);
          return serve(handler, finish, options, closing, summary, request, response).catch((error: unknown) => {
            if (error instanceof ClientClosedRequestError) {
              // Nobody to answer: the `request` line says the client went away (499), not that the server failed.
              finish(summary, { error });
              return void response.destroy();
            }
            if (!response.headersSent) writeProxyResult(response, finish(summary, { error }));
            else response.destroy();
          });
        })
        .finally(() => serving.set(socket, (serving.get(socket) ?? 1) - 1));
      turns.set(socket, turn);
    },
  );
  // Longer than the idle timeout of load balancers and clients that reuse connections, as API Gateway's is.
  server.keepAliveTimeout = 65_000;
  // Node drops the headers past its count silently; requestErrorFor refuses more than MAX_HEADER_COUNT with a 431.
  server.maxHeadersCount = 0;
  // What Node's HTTP layer would answer by itself (an empty 400, 417, 431…) gets the API's {message} shape.
  answerProtocolErrors(server, finish, (socket) =>
    (serving.get(socket) ?? 0) > 0 ? turns.get(socket as Socket) : undefined,
  );
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

function keepsAlive(request: IncomingMessage): boolean {
  const connection = request.headers.connection ?? '';
  if (/(^|,)\s*close\s*(,|$)/i.test(connection)) return false;
  return request.httpVersionMinor >= 1 || /(^|,)\s*keep-alive\s*(,|$)/i.test(connection);
}

async function serve(
  handler: ProxyHandler,
  finish: FinishResponse,
  options: HttpServerOptions,
  closing: WeakSet<Duplex>,
  summary: RequestSummary,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // A request refused before the handler (a header sent twice, no key, a URI too long…) is no failure: its HttpError
  // is the answer, finished as any other; a body it came with is read and discarded so that the client reads it.
  let refused: unknown;
  let route: GatewayRoute | undefined;
  try {
    refused = requestErrorFor(request);
    if (!refused && options.gateway) route = admit(options.gateway, request, summary);
  } catch (error) {
    refused = error;
  }
  if (refused) {
    closing.add(request.socket);
    return refuseUnreadBody(request, response, finish(summary, { error: refused }));
  }
  if (mayContinue(request, MAX_BODY_BYTES)) response.writeContinue();
  const body = await readBody(request, MAX_BODY_BYTES, options.requestTimeoutMs);
  if (body === 'too-large' || body === 'timeout') closing.add(request.socket);
  if (body === 'too-large') {
    return refuseUnreadBody(request, response, finish(summary, { error: new PayloadTooLargeError(MAX_BODY_BYTES) }));
  }
  if (body === 'timeout') return refuseSlowBody(response, finish(summary, { error: new RequestTimeoutError() }));
  let event: ReturnType<typeof toProxyEvent>;
  try {
    // Every body goes on as bytes (as with binaryMediaTypes */*), so the handler can refuse what is not UTF-8.
    event = toProxyEvent(request, body, { binaryMediaTypes: ['*/*'] });
    if (route) options.gateway?.validate(route, event);
  } catch (error) {
    return writeProxyResult(response, finish(summary, { error }));
  }
  writeProxyResult(response, await handler(event));
}

/** The gateway's routing and key check on the request as it arrived (each header once: requestErrorFor refused repeats). */
function admit(gateway: ApiGateway, request: IncomingMessage, summary: RequestSummary): GatewayRoute {
  const headers: Record<string, string> = Object.create(null);
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers[(raw[i] as string).toLowerCase()] ??= raw[i + 1] as string;
  // Routed by its path alone (an absolute-form target's too), as the handler routes the event.
  const path = targetUrl(request.url ?? '/').pathname;
  const arrived = { method: summary.method, path, headers, requestId: summary.requestId ?? '' };
  const route = gateway.route(arrived);
  // Named before the key is checked, so that a refused request's log line says which operation it was for.
  if (route.operation.operationId !== undefined) summary.operationId = route.operation.operationId;
  gateway.authorize(route, arrived);
  return route;
}

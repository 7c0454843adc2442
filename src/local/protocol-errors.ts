/**
 * What Node's HTTP layer would answer by itself, answered in the API's `{message}` shape instead: a request it
 * cannot parse (Node: an empty 400), headers or a URI too long (an empty 431), a request too slow to arrive (408),
 * an `Expect` other than `100-continue` (an empty 417), a missing `Host` (an empty 400), `CONNECT` (Node closes the
 * socket without a word). An unknown method is a 400; an HTTP version other than 1.x a 505, as RFC 9110 §15.6.6
 * names it. And what Node lets through but the API does not take (requestErrorFor): more headers than it reads, a
 * header it reads sent twice, a request target that is not a path. Each leaves through the API's finishing step
 * (src/api/finish-response.ts), as every answer does.
 */
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  BadRequestError,
  ExpectationFailedError,
  HeadersTooLargeError,
  HttpError,
  MalformedRequestError,
  RequestTimeoutError,
  UriTooLongError,
} from '../api/errors.js';
import type { FinishResponse } from '../api/finish-response.js';
import { runtimeDocument } from '../generated/runtime-document.js';
import { apiKeyHeaders } from '../shared/api-key-scheme.js';
import { writeProxyResult } from './proxy-event.js';
import { summaryOf, summaryOfPacket } from './request-summary.js';

/** As API Gateway's limit for an edge-optimized API's URL: a longer one is a 414 even when the head fits. */
export const MAX_URI_LENGTH = 8192;

/**
 * Header lines a request may carry (a browser sends about 20): more is a 431. Node's own count limit is lifted
 * (`maxHeadersCount = 0`), as it drops the headers past it silently, and with them the refusals they would cause.
 */
export const MAX_HEADER_COUNT = 100;

/** Headers the API reads: sent twice, which one is meant is anyone's guess (RFC 9112 §3.2 for `Host`), so a 400. */
const SINGLE_HEADERS = new Set([
  'host',
  'content-type',
  'content-encoding',
  'origin',
  ...apiKeyHeaders(runtimeDocument),
]);

/** An HTTP version other than 1.x: RFC 9110's 505. */
export class HttpVersionNotSupportedError extends HttpError {
  constructor() {
    // The client's HTTP version, not a fault of the API: logged by its request line only.
    super('HttpVersionNotSupportedError', 505, 'HTTP version not supported; send HTTP/1.1', { serverFault: false });
  }
}

/**
 * A client that went away before its request was read: nobody gets this answer; it is what the `request` log line
 * says (nginx's 499), so that an abort is told from a server fault.
 */
export class ClientClosedRequestError extends HttpError {
  constructor() {
    super('ClientClosedRequestError', 499, 'The client closed the connection', {
      reason: 'the client closed the connection before its request was read',
    });
  }
}

/** An error of Node's HTTP parser (llhttp), as `clientError` receives it. */
export interface ClientError extends NodeJS.ErrnoException {
  /** The bytes being parsed when the parser gave up. */
  readonly rawPacket?: Buffer;
  /** The parser's own description, e.g. "Invalid header token". */
  readonly reason?: string;
}

/** The API's error for a request Node's HTTP layer refused. */
export function protocolErrorFor(error: ClientError): HttpError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RequestTimeoutError();
    case 'HPE_HEADER_OVERFLOW':
      // The head (request line and headers) outgrew Node's limit; if the request line never ended, the URI did.
      return requestLineEnds(error.rawPacket) ? new HeadersTooLargeError() : new UriTooLongError();
    case 'HPE_INVALID_METHOD':
      // A token where the method goes is a method Node does not know; anything else (a TLS hello…) is not HTTP.
      return new MalformedRequestError(
        /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /.test(packetText(error)) ? 'unknown method' : undefined,
      );
    case 'HPE_INVALID_VERSION':
      return /^\S+ \S+ HTTP\/\d\.\d\r\n/.test(packetText(error))
        ? new HttpVersionNotSupportedError()
        : new MalformedRequestError('invalid request line');
    default:
      return new MalformedRequestError(error.code?.startsWith('HPE_') ? error.reason : undefined);
  }
}

function packetText(error: ClientError): string {
  return error.rawPacket?.toString('latin1', 0, 200) ?? '';
}

function requestLineEnds(packet: Buffer | undefined): boolean {
  const end = packet?.indexOf('\r\n') ?? -1;
  return end !== -1 && end <= MAX_URI_LENGTH;
}

/** A whole HTTP/1.1 response for `result`, closing the connection: for a socket Node no longer parses. */
export function rawErrorResponse(result: APIGatewayProxyResult): string {
  const headers = Object.entries({ ...result.headers, 'Content-Length': Buffer.byteLength(result.body) });
  const head = [`HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode] ?? ''}`];
  for (const [name, value] of headers) head.push(`${name}: ${value}`);
  head.push('Connection: close');
  return `${head.join('\r\n')}\r\n\r\n${result.body}`;
}

/**
 * Makes `server` answer in the API's shape, through `finish`, what Node would answer by itself. `inFlight` gives,
 * for a connection with requests the request listener holds, a promise settled once they are answered (undefined
 * when it holds none): answers leave in the order of the requests, so a refusal of bytes pipelined after them waits.
 */
export function answerProtocolErrors(
  server: Server,
  finish: FinishResponse,
  inFlight: (socket: Duplex) => Promise<void> | undefined,
): void {
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    // Already answered (a 408…), or reset: a reset (ECONNRESET) is also how idle keep-alive connections end.
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    const pending = inFlight(socket);
    // The client closed the connection in the middle of a request: nobody to answer. Logged as such (499) once, by
    // whoever holds the request.
    if (error.code === 'HPE_INVALID_EOF_STATE') {
      if (!pending) finish(summaryOfPacket(error.rawPacket), { error: new ClientClosedRequestError() });
      return socket.destroy();
    }
    // Bytes after a request that said `Connection: close` (RFC 9112 §9.6): not read, and not answered; the answer
    // in flight closes the connection.
    if (error.code === 'HPE_CLOSED_CONNECTION' && pending) return;
    const answer = () => {
      if (!socket.writable) return void socket.destroy();
      socket.end(rawErrorResponse(finish(summaryOfPacket(error.rawPacket), { error: protocolErrorFor(error) })));
    };
    if (pending) void pending.then(answer);
    else answer();
  });
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('Connection', 'close');
    const error = new ExpectationFailedError(request.headers.expect ?? '');
    writeProxyResult(response, finish(summaryOf(request), { error }));
  });
  // `100 Continue` is the request listener's to grant (http-adapter.ts), once the key and the size are checked.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    server.emit('request', request, response);
  });
  // CONNECT asks for a tunnel: this server is no proxy. Node hands over the socket; answered here, and closed.
  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    const error = new MalformedRequestError('CONNECT is not supported: this server is no proxy');
    if (socket.writable) socket.end(rawErrorResponse(finish(summaryOf(request), { error })));
    else socket.destroy();
  });
}

/** Whether a request may ask for `100 Continue` and have it: its body within `maxBodyBytes`. */
export function mayContinue(request: IncomingMessage, maxBodyBytes: number): boolean {
  return (
    /^\s*100-continue\s*$/i.test(request.headers.expect ?? '') &&
    Number(request.headers['content-length'] ?? 0) <= maxBodyBytes
  );
}

/**
 * The API's error for a request Node parsed but the API does not take: an HTTP version other than 1.x, a URI over
 * the limit, more headers than MAX_HEADER_COUNT, a header the API reads sent twice, no `Host` in HTTP/1.1, a request
 * target that is neither a path (origin-form `/…`, `//…` included: RFC 9112 §3.2.1 has no authority there) nor an
 * absolute `http(s)` URI (which RFC 9112 §3.2.2 has a server accept; its path is the one routed).
 */
export function requestErrorFor(request: IncomingMessage): HttpError | undefined {
  if (request.httpVersionMajor !== 1) return new HttpVersionNotSupportedError();
  const url = request.url ?? '';
  if (url.length > MAX_URI_LENGTH) return new UriTooLongError();
  const raw = request.rawHeaders;
  if (raw.length / 2 > MAX_HEADER_COUNT) return new HeadersTooLargeError();
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (!SINGLE_HEADERS.has(name)) continue;
    if (seen.has(name)) return new BadRequestError([{ location: `header.${name}`, message: 'is sent more than once' }]);
    seen.add(name);
  }
  if (request.httpVersionMinor >= 1 && !seen.has('host')) {
    return new BadRequestError([{ location: 'header.host', message: 'is required in HTTP/1.1' }]);
  }
  if (!isRoutableTarget(url)) return new MalformedRequestError('the request target must be a path, such as /customers');
  return undefined;
}

function isRoutableTarget(target: string): boolean {
  return target.startsWith('/') || /^https?:\/\/[^/?#]+\//i.test(target);
}

/**
 * What Node's HTTP layer would answer by itself, answered in the API's `{message}` shape instead: a request it
 * cannot parse (Node: an empty 400), headers or a URI too long (an empty 431), a request too slow to arrive (408),
 * an `Expect` other than `100-continue` (an empty 417). An unknown method or HTTP version is the client's mistake,
 * so a 400 (not Node's 501/505: the API answers no client mistake with a 5xx). Each leaves through the API's finishing
 * step (src/finish-response.ts), as every answer does.
 */
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  ExpectationFailedError,
  HeadersTooLargeError,
  type HttpError,
  MalformedRequestError,
  RequestTimeoutError,
  UriTooLongError,
} from '../errors.js';
import type { FinishResponse } from '../finish-response.js';
import { writeProxyResult } from './proxy-event.js';
import { summaryOf, summaryOfPacket } from './request-summary.js';

/** As API Gateway's limit for an edge-optimized API's URL: a longer one is a 414 even when the head fits. */
export const MAX_URI_LENGTH = 8192;

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
      return new MalformedRequestError(
        /^\S+ \S+ HTTP\/\d\.\d\r\n/.test(packetText(error)) ? UNSUPPORTED_VERSION : 'invalid request line',
      );
    default:
      return new MalformedRequestError(error.code?.startsWith('HPE_') ? error.reason : undefined);
  }
}

const UNSUPPORTED_VERSION = 'unsupported HTTP version; send HTTP/1.1';

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
 * Makes `server` answer in the API's shape, through `finish`, what Node would answer by itself. `100-continue` is
 * granted only to a body within `maxBodyBytes` (a larger one is refused with 413 before it is sent, by the request
 * listener).
 */
export function answerProtocolErrors(server: Server, maxBodyBytes: number, finish: FinishResponse): void {
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    socket.end(rawErrorResponse(finish(summaryOfPacket(error.rawPacket), { error: protocolErrorFor(error) })));
  });
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('Connection', 'close');
    const error = new ExpectationFailedError(request.headers.expect ?? '');
    writeProxyResult(response, finish(summaryOf(request), { error }));
  });
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (Number(request.headers['content-length'] ?? 0) <= maxBodyBytes) response.writeContinue();
    server.emit('request', request, response);
  });
}

/** The API's error for a request Node parsed but the API does not take (a URI over the limit, HTTP/0.9). */
export function edgeErrorFor(request: IncomingMessage): HttpError | undefined {
  if ((request.url?.length ?? 0) > MAX_URI_LENGTH) return new UriTooLongError();
  if (request.httpVersionMajor < 1) return new MalformedRequestError(UNSUPPORTED_VERSION);
  return undefined;
}

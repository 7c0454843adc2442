/**
 * Every error the API answers with, as a type. Each carries what its answer needs (status, message, details, extra
 * headers), so `toErrorResponse` in http-response.ts turns any of them into a response without knowing which it is;
 * anything not listed here becomes a plain 500 whose details are only logged.
 */
import type { components } from '../generated/openapi-types.js';

export type ErrorDetail = components['schemas']['ErrorDetail'];

/** What an HttpError may carry besides its status and message. */
export interface HttpErrorParts {
  /** What was wrong and where, for the body's `errors`. */
  readonly details?: readonly ErrorDetail[];
  /** Extra response headers (Allow, Retry-After). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Why the request was refused, for the log only (never sent): e.g. which API-key check failed. */
  readonly reason?: string;
  /** What caused it, for the log only. */
  readonly cause?: unknown;
  /** Whether it is the API's fault, logged in full (`request failed`). @default a 5xx status */
  readonly serverFault?: boolean;
  /** A body rendered elsewhere, sent as it is (a gateway response's template, locally). @default `{message, errors?}` */
  readonly renderedBody?: string;
}

/** An error whose status, message and details are meant for the client. */
export abstract class HttpError extends Error {
  readonly details: readonly ErrorDetail[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly reason: string | undefined;
  readonly serverFault: boolean;
  readonly renderedBody: string | undefined;

  constructor(
    /** The class's name, kept in the log where a minified bundle would rename the class. */
    override readonly name: string,
    readonly statusCode: number,
    message: string,
    { details, headers = {}, reason, cause, serverFault = statusCode >= 500, renderedBody }: HttpErrorParts = {},
  ) {
    super(message, cause === undefined ? {} : { cause });
    this.renderedBody = renderedBody;
    this.details = details;
    this.headers = headers;
    this.reason = reason;
    this.serverFault = serverFault;
  }
}

/** A request the contract refuses: each thing wrong, and where, in `details`. */
export class BadRequestError extends HttpError {
  constructor(details: readonly ErrorDetail[]) {
    const message = `Invalid request: ${details.map((d) => `${d.location} ${d.message}`).join('; ')}`;
    super('BadRequestError', 400, message, { details });
  }
}

/** No API key, or one the API does not know: API Gateway's own answer, word for word; `reason` is only logged. */
export class ForbiddenError extends HttpError {
  constructor(reason: string) {
    super('ForbiddenError', 403, 'Forbidden', { reason });
  }
}

/** A path the spec does not have. */
export class NotFoundError extends HttpError {
  constructor(path: string) {
    super('NotFoundError', 404, `No resource at ${truncate(path)}`);
  }
}

/** A method the path does not have; `Allow` lists those it has. */
export class MethodNotAllowedError extends HttpError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    const message = `Method ${truncate(method)} is not allowed on ${truncate(path)}; allowed: ${allowed.join(', ')}`;
    super('MethodNotAllowedError', 405, message, { headers: { Allow: allowed.join(', ') } });
  }
}

/** A body over the API's limit. */
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super('PayloadTooLargeError', 413, `Request body is larger than ${limitBytes / 1024} KiB`);
  }
}

/** A body of a media type or charset the operation does not take. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(contentType: string, accepted: readonly string[]) {
    const message = `Unsupported Content-Type ${truncate(contentType)}: send the body as ${accepted.join(' or ')}`;
    super('UnsupportedMediaTypeError', 415, message);
  }
}

/** A body compressed or otherwise encoded (`Content-Encoding: gzip`, …): the API reads only plain bodies. */
export class UnsupportedContentEncodingError extends HttpError {
  constructor(encoding: string) {
    const message = `Unsupported Content-Encoding ${truncate(encoding)}: send the body uncompressed`;
    super('UnsupportedContentEncodingError', 415, message);
  }
}

/**
 * Too many requests: API Gateway's (or the firewall's) throttle, word for word; the API itself never throttles. The
 * client package's MSW handlers answer it when asked to, as the deployed API would.
 */
export class TooManyRequestsError extends HttpError {
  constructor(retryAfterSeconds = 1) {
    super('TooManyRequestsError', 429, 'Too Many Requests', { headers: { 'Retry-After': String(retryAfterSeconds) } });
  }
}

// Requests refused by the HTTP layer before they reach the API (the local server answers these itself, in the API's
// shape, where Node would answer with an empty body): one type per status.

/** A request Node cannot parse as HTTP; `reason` is the HTTP parser's own fixed wording (never client text). */
export class MalformedRequestError extends HttpError {
  constructor(reason?: string) {
    super('MalformedRequestError', 400, reason ? `Malformed HTTP request: ${reason}` : 'Malformed HTTP request');
  }
}

/** A request too slow to arrive. */
export class RequestTimeoutError extends HttpError {
  constructor() {
    super('RequestTimeoutError', 408, 'The request was not received in time');
  }
}

/** A request line over the API's URI limit. */
export class UriTooLongError extends HttpError {
  constructor() {
    super('UriTooLongError', 414, 'Request URI is too long');
  }
}

/** An `Expect` other than `100-continue`. */
export class ExpectationFailedError extends HttpError {
  constructor(expectation: string) {
    const message = `Unsupported Expect ${truncate(expectation)}: only 100-continue is supported`;
    super('ExpectationFailedError', 417, message);
  }
}

/** Headers over Node's limit. */
export class HeadersTooLargeError extends HttpError {
  constructor() {
    super('HeadersTooLargeError', 431, 'Request headers are too large');
  }
}

/**
 * DynamoDB is unreachable, too slow or throttling: a retry can succeed (`Retry-After`). A write may or may not have
 * been made (retrying a PUT is safe). An operator's mistake (a missing table or permission) is not this: it is a
 * plain 500.
 */
export class StoreUnavailableError extends HttpError {
  constructor({ cause }: { cause: unknown }) {
    const message =
      'The customer store is unavailable or did not answer in time; retry later (retrying a PUT is safe: its write may or may not have been made)';
    super('StoreUnavailableError', 503, message, { headers: { 'Retry-After': '1' }, cause });
  }
}

/** Client-supplied text echoed in a message is cut short, so a 10 MB path cannot make a 10 MB error. */
function truncate(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Every error the API answers with, as a type. Each carries what its answer needs (status, message, details, extra
 * headers), so `toErrorResponse` in http-response.ts turns any of them into a response without knowing which it is;
 * anything not listed here becomes a plain 500 whose details are only logged.
 */
import type { components } from './generated/openapi-types.js';

export type ErrorDetail = components['schemas']['ErrorDetail'];

/** An error whose status, message and details are meant for the client. */
export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
  /** Extra response headers (Allow, Retry-After). */
  readonly headers: Readonly<Record<string, string>> = {};
  /** What was wrong and where, for the body's `errors`; none for most errors. */
  readonly details: readonly ErrorDetail[] | undefined = undefined;
  /** Why the request was refused, for the log only (never sent): e.g. which API-key check failed. */
  readonly reason: string | undefined = undefined;
}

export class BadRequestError extends HttpError {
  override readonly name = 'BadRequestError';
  readonly statusCode = 400;
  override readonly details: readonly ErrorDetail[];
  constructor(details: readonly ErrorDetail[]) {
    super(`Invalid request: ${details.map((d) => `${d.location} ${d.message}`).join('; ')}`);
    this.details = details;
  }
}

/** No API key, or one the API does not know: API Gateway's own answer, word for word. Never names the key. */
export class ForbiddenError extends HttpError {
  override readonly name = 'ForbiddenError';
  readonly statusCode = 403;
  override readonly reason: string;
  /** `reason` is logged, never sent: the client learns only "Forbidden", as from API Gateway. */
  constructor(reason: string) {
    super('Forbidden');
    this.reason = reason;
  }
}

export class NotFoundError extends HttpError {
  override readonly name = 'NotFoundError';
  readonly statusCode = 404;
  constructor(path: string) {
    super(`No resource at ${truncate(path)}`);
  }
}

export class MethodNotAllowedError extends HttpError {
  override readonly name = 'MethodNotAllowedError';
  readonly statusCode = 405;
  override readonly headers: Readonly<Record<string, string>>;
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(`Method ${truncate(method)} is not allowed on ${truncate(path)}; allowed: ${allowed.join(', ')}`);
    this.headers = { Allow: allowed.join(', ') };
  }
}

export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError';
  readonly statusCode = 413;
  constructor(limitBytes: number) {
    super(`Request body is larger than ${limitBytes / 1024} KiB`);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly statusCode = 415;
  constructor(contentType: string, accepted: readonly string[]) {
    super(`Unsupported Content-Type ${truncate(contentType)}: send the body as ${accepted.join(' or ')}`);
  }
}

/** A body compressed or otherwise encoded (`Content-Encoding: gzip`, …): the API reads only plain bodies. */
export class UnsupportedContentEncodingError extends HttpError {
  override readonly name = 'UnsupportedContentEncodingError';
  readonly statusCode = 415;
  constructor(encoding: string) {
    super(`Unsupported Content-Encoding ${truncate(encoding)}: send the body uncompressed`);
  }
}

/**
 * A request refused by the HTTP layer before it reaches the API (the local server answers these itself, in the
 * API's shape, where Node would answer with an empty body): one type per status.
 */
export class MalformedRequestError extends HttpError {
  override readonly name = 'MalformedRequestError';
  readonly statusCode = 400;
  /** `reason` is the HTTP parser's own fixed wording (never client text). */
  constructor(reason?: string) {
    super(reason ? `Malformed HTTP request: ${reason}` : 'Malformed HTTP request');
  }
}

export class RequestTimeoutError extends HttpError {
  override readonly name = 'RequestTimeoutError';
  readonly statusCode = 408;
  constructor() {
    super('The request was not received in time');
  }
}

export class UriTooLongError extends HttpError {
  override readonly name = 'UriTooLongError';
  readonly statusCode = 414;
  constructor() {
    super('Request URI is too long');
  }
}

export class ExpectationFailedError extends HttpError {
  override readonly name = 'ExpectationFailedError';
  readonly statusCode = 417;
  constructor(expectation: string) {
    super(`Unsupported Expect ${truncate(expectation)}: only 100-continue is supported`);
  }
}

export class HeadersTooLargeError extends HttpError {
  override readonly name = 'HeadersTooLargeError';
  readonly statusCode = 431;
  constructor() {
    super('Request headers are too large');
  }
}

/**
 * DynamoDB is unreachable, too slow or throttling: a retry can succeed. A write may or may not have been made
 * (retrying a PUT is safe). An operator's mistake (a missing table or permission) is not this: it is a plain 500.
 */
export class StoreUnavailableError extends HttpError {
  override readonly name = 'StoreUnavailableError';
  readonly statusCode = 503;
  override readonly headers = { 'Retry-After': '1' };
  constructor(options: { cause: unknown }) {
    super(
      'The customer store is unavailable or did not answer in time; retry later (retrying a PUT is safe: its write may or may not have been made)',
      options,
    );
  }
}

/** Client-supplied text echoed in a message is cut short, so a 10 MB path cannot make a 10 MB error. */
function truncate(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * One API Gateway REST proxy event (v1) in, one proxy result out: route and validate with the contract, run the
 * operation, and hand the result or the error to the finishing step (finish-response.ts), which every answer leaves
 * through. Shared by the Lambda and the local server.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Contract, ContractOperation, ParsedBody } from './contract.js';
import { preflightHeaders } from './cors.js';
import { repeatedKey } from './duplicate-keys.js';
import {
  BadRequestError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedContentEncodingError,
  UnsupportedMediaTypeError,
} from './errors.js';
import type { FinishResponse, Outcome, RequestSummary } from './finish-response.js';
import { jsonResponse } from './http-response.js';
import type { OperationHandlers, OperationId } from './operations.js';
import { decodeUtf8 } from './utf8.js';
import { toErrorDetails } from './validation-errors.js';

/**
 * The API's body limit, 16 KiB: an id body is tiny, AWS WAF inspects the first 16 KB by default, and it is far under a
 * synchronous Lambda's 6 MB payload. The local server enforces it too, so both answer 413 alike.
 */
export const MAX_BODY_BYTES = 16 * 1024;

/** Any operation's result (operations.ts types each one from its spec), as it is sent on. */
type AnyResult = { readonly status: number; readonly body?: unknown };

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface RequestHandlerDependencies {
  readonly contract: Contract;
  readonly operations: OperationHandlers;
  /** Every answer leaves through it. */
  readonly finish: FinishResponse;
}

export function createRequestHandler({ contract, operations, finish }: RequestHandlerDependencies): ProxyHandler {
  async function respond(
    event: APIGatewayProxyEvent,
    headers: Readonly<Record<string, string>>,
    request: RequestSummary,
  ): Promise<APIGatewayProxyResult> {
    const { httpMethod: method, path } = event;
    // The size limit is the transport's, as API Gateway's is: it applies before routing, whatever the method.
    if (bodySize(event) > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
    if (method === 'OPTIONS') {
      const allowed = [...knownMethods(contract, path), 'OPTIONS'];
      return { statusCode: 204, headers: { Allow: allowed.join(', '), ...preflightHeaders(allowed) }, body: '' };
    }
    const operation = contract.match(method, path);
    if (!operation) throw new MethodNotAllowedError(method, path, [...knownMethods(contract, path), 'OPTIONS']);
    request.operationId = operation.operationId;
    const input = validatedInput(contract, operation, event, headers);
    const handle = operations[operation.operationId as OperationId] as (input: unknown) => Promise<AnyResult>;
    const { status, body } = await handle(input);
    // the status and body the operation chose among those its spec documents; a 204 has neither body nor type
    return body === undefined ? { statusCode: status, headers: {}, body: '' } : jsonResponse(status, body);
  }

  return async function handleProxyEvent(event) {
    const headers = lowerCaseHeaders(event.headers);
    const request: RequestSummary = {
      method: event.httpMethod,
      path: event.path,
      origin: headers.origin,
      requestId: event.requestContext?.requestId,
      started: performance.now(),
    };
    let outcome: Outcome;
    try {
      outcome = { result: await respond(event, headers, request) };
    } catch (error) {
      outcome = { error };
    }
    return finish(request, outcome);
  };
}

/** The methods the spec allows on `path` (upper case); a NotFoundError when it has none: the path is unknown. */
function knownMethods(contract: Contract, path: string): string[] {
  const allowed = contract.allowedMethods(path);
  if (allowed.length === 0) throw new NotFoundError(path);
  return allowed;
}

/** Checks encoding, media type and schema; returns what the operation handler receives. */
function validatedInput(
  contract: Contract,
  operation: ContractOperation,
  event: APIGatewayProxyEvent,
  headers: Readonly<Record<string, string>>,
) {
  // An operation that takes no body ignores one sent anyway, whatever its encoding or bytes.
  const accepted = contract.acceptedMediaTypes(operation);
  const text = accepted.length > 0 ? bodyText(event, headers, accepted) : undefined;
  const body = text === undefined ? undefined : parseJson(text);
  const { errors, query } = contract.validate(operation, event, body);
  if (errors.length > 0) throw new BadRequestError(toErrorDetails(errors));
  return { query, body: body?.value };
}

/** Longest part of a repeated key quoted back in an error. */
const MAX_QUOTED_KEY = 64;

/**
 * The body parsed, in this one place: every media type the API accepts is JSON. Stricter than JSON.parse alone
 * where it would guess: a byte order mark (JSON forbids one; kept by the UTF-8 decoder so it is seen here) and a
 * key an object repeats (JSON.parse keeps the last) are refused.
 */
export function parseJson(text: string): ParsedBody {
  if (text.charCodeAt(0) === 0xfeff) {
    throw new BadRequestError([{ location: 'body', message: 'must not start with a byte order mark' }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError([{ location: 'body', message: 'is not valid JSON' }]);
  }
  const repeated = repeatedKey(text);
  if (repeated !== undefined) {
    const quoted = JSON.stringify(
      repeated.length > MAX_QUOTED_KEY ? `${repeated.slice(0, MAX_QUOTED_KEY)}…` : repeated,
    );
    throw new BadRequestError([{ location: 'body', message: `must not repeat the key ${quoted}` }]);
  }
  return { value };
}

/**
 * The body as text, for an operation that takes one: uncompressed, of an accepted media type, valid UTF-8.
 * A base64-encoded body (binary media types; the local server sends every body so) is checked byte by byte; a
 * text body was already decoded by API Gateway.
 */
function bodyText(
  event: APIGatewayProxyEvent,
  headers: Readonly<Record<string, string>>,
  accepted: readonly string[],
): string | undefined {
  if (event.body === null || event.body === '') return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new UnsupportedContentEncodingError(encoding);
  }
  // A body without Content-Type is JSON, as API Gateway's request validation reads it: the one rule, decided here.
  const contentType = headers['content-type'] ?? 'application/json';
  const [mediaType = '', ...parameters] = contentType.split(';');
  if (!accepted.includes(mediaType.trim().toLowerCase())) throw new UnsupportedMediaTypeError(contentType, accepted);
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=');
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (name.trim().toLowerCase() === 'charset' && charset !== 'utf-8' && charset !== 'utf8') {
      throw new UnsupportedMediaTypeError(contentType, ['UTF-8 text']);
    }
  }
  return event.isBase64Encoded ? decodeUtf8(Buffer.from(event.body, 'base64'), 'body') : event.body;
}

/** The body's size in bytes, without decoding it. */
function bodySize(event: APIGatewayProxyEvent): number {
  if (event.body === null) return 0;
  return event.isBase64Encoded ? Buffer.byteLength(event.body, 'base64') : Buffer.byteLength(event.body);
}

/**
 * Header names in lower case, in an object without a prototype: a header named `__proto__` or `constructor` is
 * an ordinary (unknown) header, and a missing header is never found on Object.prototype.
 */
function lowerCaseHeaders(headers: APIGatewayProxyEvent['headers'] | null): Record<string, string> {
  const lower: Record<string, string> = Object.create(null);
  if (!headers) return lower;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) lower[name.toLowerCase()] = value;
  }
  return lower;
}

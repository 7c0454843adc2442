/**
 * One API Gateway REST proxy event (v1) in, one proxy result out: route and validate with the contract, run the
 * operation, and turn any error into the API's `{message}` response. Shared by the Lambda and the local server.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { HandlerConfig } from './config.js';
import type { Contract, ContractOperation } from './contract.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import {
  BadRequestError,
  HttpError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedContentEncodingError,
  UnsupportedMediaTypeError,
} from './errors.js';
import { jsonResponse, toErrorResponse } from './http-response.js';
import { describeError, type Logger } from './logger.js';
import type { OperationHandlers, OperationId } from './operations.js';
import { toErrorDetails } from './validation-errors.js';

/**
 * The API's body limit, 16 KiB: an id body is tiny, AWS WAF inspects the first 16 KB by default, and it is far under a
 * synchronous Lambda's 6 MB payload. The local server enforces it too, so both answer 413 alike.
 */
export const MAX_BODY_BYTES = 16 * 1024;

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface RequestHandlerDependencies {
  readonly contract: Contract;
  readonly operations: OperationHandlers;
  readonly config: Pick<HandlerConfig, 'corsAllowedOrigins'>;
  readonly logger: Logger;
}

export function createRequestHandler({
  contract,
  operations,
  config,
  logger,
}: RequestHandlerDependencies): ProxyHandler {
  /** Answers the event; `route.operationId` is set as soon as the operation is known, for the log line. */
  async function respond(
    event: APIGatewayProxyEvent,
    headers: Readonly<Record<string, string>>,
    route: { operationId?: string },
  ): Promise<APIGatewayProxyResult> {
    const { httpMethod: method, path } = event;
    // The size limit is the transport's, as API Gateway's is: it applies before routing, whatever the method.
    if (bodySize(event) > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
    if (method === 'OPTIONS') {
      const allowed = contract.allowedMethods(path);
      if (allowed.length === 0) throw new NotFoundError(path);
      return preflight(headers.origin, [...allowed, 'OPTIONS']);
    }
    const operation = contract.match(method, path);
    if (!operation) {
      const allowed = contract.allowedMethods(path);
      if (allowed.length === 0) throw new NotFoundError(path);
      throw new MethodNotAllowedError(method, path, [...allowed, 'OPTIONS']);
    }
    route.operationId = operation.operationId;
    const input = validatedInput(contract, operation, event, headers);
    const handle = operations[operation.operationId as OperationId] as (input: unknown) => Promise<unknown>;
    return jsonResponse(200, await handle(input));
  }

  function preflight(origin: string | undefined, allowed: string[]): APIGatewayProxyResult {
    return {
      statusCode: 204,
      headers: { Allow: allowed.join(', '), ...preflightHeaders(origin, config.corsAllowedOrigins, allowed) },
      body: '',
    };
  }

  return async function handleProxyEvent(event) {
    const started = performance.now();
    const headers = lowerCaseHeaders(event.headers);
    const route: { operationId?: string } = {};
    let result: APIGatewayProxyResult;
    try {
      result = await respond(event, headers, route);
    } catch (error) {
      result = toErrorResponse(error);
      if (!(error instanceof HttpError) || result.statusCode >= 500) {
        logger.error('request failed', { requestId: event.requestContext?.requestId, error: describeError(error) });
      }
    }
    result.headers = { ...result.headers, ...corsHeaders(headers.origin, config.corsAllowedOrigins) };
    logger.info('request', {
      requestId: event.requestContext?.requestId,
      method: event.httpMethod,
      path: event.path,
      operation: route.operationId ?? null,
      status: result.statusCode,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    });
    return result;
  };
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
  const body = accepted.length > 0 ? bodyText(event, headers, accepted) : undefined;
  let parsed: unknown;
  if (body !== undefined) {
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new BadRequestError([{ location: 'body', message: 'is not valid JSON' }]);
    }
  }
  const { errors, query } = contract.validate(operation, event, body);
  if (errors.length > 0) throw new BadRequestError(toErrorDetails(errors));
  return { query, body: parsed };
}

/** Fails on bytes that are not UTF-8 instead of replacing them with U+FFFD. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

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
  // A body without Content-Type is read as JSON, as API Gateway's request validation does.
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
  if (!event.isBase64Encoded) return event.body;
  try {
    return STRICT_UTF8.decode(Buffer.from(event.body, 'base64'));
  } catch {
    throw new BadRequestError([{ location: 'body', message: 'is not valid UTF-8' }]);
  }
}

/** The body's size in bytes, without decoding it. */
function bodySize(event: APIGatewayProxyEvent): number {
  if (event.body === null) return 0;
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/**
 * Header names in lower case, in an object without a prototype: a header named `__proto__` or `constructor` is
 * an ordinary (unknown) header, and a missing header is never found on Object.prototype.
 */
export function lowerCaseHeaders(headers: APIGatewayProxyEvent['headers'] | null): Record<string, string> {
  const lower: Record<string, string> = Object.create(null);
  if (!headers) return lower;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) lower[name.toLowerCase()] = value;
  }
  return lower;
}

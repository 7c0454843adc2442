/**
 * An HTTP request as the v1 proxy event a real API Gateway REST API sends to its Lambda, and a proxy result back
 * as HTTP. Absent maps and an empty body are `null`, as API Gateway sends them. Text is decoded strictly: a query
 * string or a header the API reads whose bytes are not UTF-8 is refused (`BadRequestError`), never patched with
 * U+FFFD; the body's bytes go on base64-encoded for binary media types, for the handler to check.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { decodeUtf8 } from '../api/utf8.js';
import { runtimeDocument } from '../generated/runtime-document.js';
import { apiKeyHeaders } from '../shared/api-key-scheme.js';
import { anonymousIdentity } from '../shared/proxy-identity.js';
import { isAscii, queryEntries } from './query-string.js';

export interface ProxyEventOptions {
  /** Stage name in the request context; `local` by default. */
  readonly stage?: string;
  /**
   * Media types API Gateway would pass base64-encoded (the API's `binaryMediaTypes`, `type/*` and `*\/*` included);
   * none by default.
   */
  readonly binaryMediaTypes?: readonly string[];
}

/** Headers the API reads (content negotiation, CORS, API keys as the spec places them): their text must be UTF-8. */
const HEADERS_READ = new Set([
  'content-type',
  'content-encoding',
  'origin',
  'authorization',
  ...apiKeyHeaders(runtimeDocument),
]);

/**
 * The URL a request target names, read as RFC 9112 §3.2 reads it: an origin-form target (`/…`) is a path and a
 * query, even when it starts `//` (`//evil/customers` is the path `//evil/customers`, not the host `evil`, as a
 * relative reference would be read); an absolute-form target (`http://host/…`) is routed by its path. The gateway
 * layer (http-adapter.ts) and the event both read the target here, so they route it alike.
 */
export function targetUrl(target: string): URL {
  return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
}

/** Builds the event; throws BadRequestError when the query string or a header the API reads is not UTF-8. */
export function toProxyEvent(
  request: IncomingMessage,
  body: Buffer,
  options: ProxyEventOptions = {},
): APIGatewayProxyEvent {
  const stage = options.stage ?? 'local';
  const url = targetUrl(request.url ?? '/');
  const method = request.method ?? 'GET';
  const { single: headers, multi: multiValueHeaders } = collect(decodedHeaders(request.rawHeaders));
  const { single: query, multi: multiValueQuery } = collect(queryEntries(url.search));
  const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  // No Content-Type is JSON to the handler (as to API Gateway), so its bytes are passed on as strictly as JSON's.
  const isBase64Encoded = isBinaryMediaType(contentType ?? 'application/json', options.binaryMediaTypes ?? []);
  const now = new Date();
  return {
    resource: url.pathname,
    path: url.pathname,
    httpMethod: method,
    // An HTTP/1.1 request always has a Host header, so these are never empty.
    headers: headers ?? {},
    multiValueHeaders: multiValueHeaders ?? {},
    queryStringParameters: query,
    multiValueQueryStringParameters: multiValueQuery,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      domainName: request.headers.host ?? 'localhost',
      httpMethod: method,
      identity: anonymousIdentity(request.socket.remoteAddress ?? '127.0.0.1', request.headers['user-agent'] ?? null),
      path: `/${stage}${url.pathname}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId: randomUUID(),
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: url.pathname,
      stage,
    },
    body: body.length === 0 ? null : body.toString(isBase64Encoded ? 'base64' : 'utf8'),
    isBase64Encoded,
  };
}

/** Writes a proxy result as the HTTP response. */
export function writeProxyResult(response: ServerResponse, result: APIGatewayProxyResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    response.setHeader(name, values.map(String));
  response.statusCode = result.statusCode;
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function isBinaryMediaType(mediaType: string, binaryMediaTypes: readonly string[]): boolean {
  const [type] = mediaType.split('/');
  return binaryMediaTypes.some((binary) => binary === mediaType || binary === '*/*' || binary === `${type}/*`);
}

/**
 * Header name/value pairs. Node reads header bytes as Latin-1: a value the API reads is turned back into its bytes
 * and decoded as UTF-8 (refused when it is not); other headers are passed on as Node read them.
 */
function decodedHeaders(flat: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i] as string;
    const value = flat[i + 1] as string;
    const lower = name.toLowerCase();
    result.push([name, HEADERS_READ.has(lower) && !isAscii(value) ? strictText(value, `header.${lower}`) : value]);
  }
  return result;
}

/** A Latin-1 string (as Node reads bytes) decoded as the UTF-8 text it carries. */
function strictText(latin1: string, location: string): string {
  return decodeUtf8(Buffer.from(latin1, 'latin1'), location);
}

/**
 * A single-value map (last value wins) and a multi-value map, both `null` when there is nothing. The maps have no
 * prototype, so a name such as `constructor` or `__proto__` is an ordinary key.
 */
function collect(entries: readonly [string, string][]) {
  if (entries.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = Object.create(null);
  const multi: Record<string, string[]> = Object.create(null);
  for (const [name, value] of entries) {
    single[name] = value;
    const values = multi[name];
    if (values) values.push(value);
    else multi[name] = [value];
  }
  return { single, multi };
}

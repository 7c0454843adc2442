/**
 * An HTTP request as the v1 proxy event a real API Gateway REST API sends to its Lambda, and a proxy result back
 * as HTTP. Absent maps and an empty body are `null`, as API Gateway sends them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export interface ProxyEventOptions {
  /** Stage name in the request context; `local` by default. */
  readonly stage?: string;
  /** Media types API Gateway would pass base64-encoded (the API's `binaryMediaTypes`); none by default. */
  readonly binaryMediaTypes?: readonly string[];
}

export function toProxyEvent(
  request: IncomingMessage,
  body: Buffer,
  options: ProxyEventOptions = {},
): APIGatewayProxyEvent {
  const stage = options.stage ?? 'local';
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const { single: headers, multi: multiValueHeaders } = collect(pairs(request.rawHeaders));
  const { single: query, multi: multiValueQuery } = collect([...url.searchParams]);
  const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const isBase64Encoded = contentType !== undefined && (options.binaryMediaTypes ?? []).includes(contentType);
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
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
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

function pairs(flat: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([flat[i] as string, flat[i + 1] as string]);
  return result;
}

/** A single-value map (last value wins) and a multi-value map, both `null` when there is nothing. */
function collect(entries: readonly [string, string][]) {
  if (entries.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of entries) {
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  return { single, multi };
}

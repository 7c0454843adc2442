/**
 * The request the pre-traffic check (src/release-check/pre-traffic-check.ts) sends a new version before it takes any traffic, and
 * the verdict on its answer. Pure: no AWS call here, so the verdict is tested on answers of every kind.
 *
 * The probe is a lookup (`GET /customers?id=…`): it never writes, so a check, and a rollback after it, leaves the
 * table as it was.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { components } from '../generated/openapi-types.js';
import { API_KEY_HEADER } from '../shared/api-key-scheme.js';
import { anonymousIdentity } from '../shared/proxy-identity.js';

type CustomerLookup = components['schemas']['CustomerLookup'];

/** The id the probe looks up. Any valid id will do: the answer is a 200 whether or not the id is stored. */
export const PROBE_CUSTOMER_ID = 'pre-traffic-check-probe';

/** What Lambda's Invoke answered: its status, the `X-Amz-Function-Error` header, and the payload as text. */
export interface InvokeAnswer {
  readonly statusCode: number;
  /** `Unhandled` when the function threw or timed out. */
  readonly functionError?: string | undefined;
  readonly payload: string;
}

export type ProbeVerdict = { readonly passed: true } | { readonly passed: false; readonly reason: string };

/** A REST API (v1) proxy event for `GET /customers?id=<id>`, shaped as API Gateway sends it. */
export function probeEvent(id: string = PROBE_CUSTOMER_ID, stage = 'prod'): APIGatewayProxyEvent {
  return proxyEvent('GET', {}, { id }, null, stage);
}

/**
 * `PUT /customers` with `{}`, a body without the required id: the version must refuse it (400) and so write nothing.
 * Proves the new version still validates writes without writing anything.
 */
export function refusedWriteEvent(stage = 'prod'): APIGatewayProxyEvent {
  return proxyEvent('PUT', { 'Content-Type': 'application/json' }, null, '{}', stage);
}

/** The CORS preflight a browser sends before a `PUT /customers`: answered by the function, writes nothing. */
export function preflightEvent(stage = 'prod'): APIGatewayProxyEvent {
  return proxyEvent(
    'OPTIONS',
    {
      Origin: 'https://pre-traffic-check.invalid',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': `content-type,${API_KEY_HEADER}`,
    },
    null,
    null,
    stage,
  );
}

/** One request of the pre-traffic check, and the verdict on its answer. */
export interface ReleaseProbe {
  readonly name: string;
  readonly event: APIGatewayProxyEvent;
  readonly judge: (answer: InvokeAnswer) => ProbeVerdict;
}

/** What the pre-traffic check sends the new version, in order: a lookup, a write it must refuse, a preflight. */
export function releaseProbes(stage = 'prod'): readonly ReleaseProbe[] {
  return [
    { name: 'GET lookup', event: probeEvent(PROBE_CUSTOMER_ID, stage), judge: (answer) => judgeProbeAnswer(answer) },
    { name: 'PUT without an id', event: refusedWriteEvent(stage), judge: judgeRefusedWrite },
    { name: 'CORS preflight for PUT', event: preflightEvent(stage), judge: judgePreflight },
  ];
}

function proxyEvent(
  httpMethod: string,
  extraHeaders: Record<string, string>,
  query: Record<string, string> | null,
  body: string | null,
  stage: string,
): APIGatewayProxyEvent {
  const path = '/customers';
  const headers = { Accept: 'application/json', 'User-Agent': 'customers-api-pre-traffic-check', ...extraHeaders };
  return {
    resource: path,
    path,
    httpMethod,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]]))
      : null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '',
      apiId: 'pre-traffic-check',
      authorizer: null,
      domainName: '',
      httpMethod,
      identity: anonymousIdentity('127.0.0.1', headers['User-Agent']),
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: `pre-traffic-check-${Date.now()}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'pre-traffic-check',
      resourcePath: path,
      stage,
    },
  };
}

/**
 * Whether the new version answered the probe as the spec says a lookup is answered: Invoke succeeded without a
 * function error, and the proxy response is a 200 with `Content-Type: application/json`, `Cache-Control: no-store`
 * and exactly `{id: <the probe's id>, customerInDB: <boolean>}`.
 */
export function judgeProbeAnswer(answer: InvokeAnswer, id: string = PROBE_CUSTOMER_ID): ProbeVerdict {
  const fail = (reason: string): ProbeVerdict => ({ passed: false, reason });
  const response = proxyResponse(answer);
  if (typeof response === 'string') return fail(response);
  if (response.statusCode !== 200) return fail(`the lookup was answered ${String(response.statusCode)}, not 200`);
  const headers = isObject(response.headers) ? lowerCaseKeys(response.headers) : {};
  if (!String(headers['content-type'] ?? '').startsWith('application/json'))
    return fail(`Content-Type is ${JSON.stringify(headers['content-type'])}, not application/json`);
  if (headers['cache-control'] !== 'no-store')
    return fail(`Cache-Control is ${JSON.stringify(headers['cache-control'])}, not no-store`);
  if (response.isBase64Encoded === true) return fail('the body is base64-encoded, not JSON text');
  const body = typeof response.body === 'string' ? parseJson(response.body) : undefined;
  if (!isLookup(body)) return fail(`the body is not {id, customerInDB}: ${String(response.body)}`);
  if (body.id !== id) return fail(`the body names id ${JSON.stringify(body.id)}, not ${JSON.stringify(id)}`);
  return { passed: true };
}

/** The proxy response inside a successful Invoke, or why there is none. */
function proxyResponse(answer: InvokeAnswer): Record<string, unknown> | string {
  if (answer.statusCode !== 200) return `Lambda Invoke answered ${answer.statusCode}`;
  if (answer.functionError) return `the function failed (${answer.functionError}): ${answer.payload}`;
  const response = parseJson(answer.payload);
  return isObject(response) ? response : 'the function returned no proxy response';
}

/** The refused write: a 400 with a JSON `{message}` (the spec's error shape). */
export function judgeRefusedWrite(answer: InvokeAnswer): ProbeVerdict {
  const response = proxyResponse(answer);
  if (typeof response === 'string') return { passed: false, reason: response };
  if (response.statusCode !== 400)
    return { passed: false, reason: `a PUT without an id was answered ${String(response.statusCode)}, not 400` };
  const body = typeof response.body === 'string' ? parseJson(response.body) : undefined;
  if (!isObject(body) || typeof body.message !== 'string')
    return { passed: false, reason: `the refusal is not {message}: ${String(response.body)}` };
  return { passed: true };
}

/** The preflight: a 2xx that allows PUT (Access-Control-Allow-Methods), with no body to speak of. */
export function judgePreflight(answer: InvokeAnswer): ProbeVerdict {
  const response = proxyResponse(answer);
  if (typeof response === 'string') return { passed: false, reason: response };
  const status = Number(response.statusCode);
  if (!(status >= 200 && status < 300))
    return { passed: false, reason: `the preflight was answered ${String(response.statusCode)}, not 2xx` };
  const headers = isObject(response.headers) ? lowerCaseKeys(response.headers) : {};
  const methods = String(headers['access-control-allow-methods'] ?? '')
    .split(',')
    .map((method) => method.trim().toUpperCase());
  if (!methods.includes('PUT'))
    return { passed: false, reason: `the preflight allows ${JSON.stringify(methods)}, not PUT` };
  return { passed: true };
}

function isLookup(value: unknown): value is CustomerLookup {
  return (
    isObject(value) &&
    Object.keys(value).sort().join() === 'customerInDB,id' &&
    typeof value.id === 'string' &&
    typeof value.customerInDB === 'boolean'
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function lowerCaseKeys(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * The request the pre-traffic check (src/pre-traffic-check.ts) sends a new version before it takes any traffic, and
 * the verdict on its answer. Pure: no AWS call here, so the verdict is tested on answers of every kind.
 *
 * The probe is a lookup (`GET /customers?id=…`): it never writes, so a check, and a rollback after it, leaves the
 * table as it was.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { components } from './generated/openapi-types.js';
import { anonymousIdentity } from './proxy-identity.js';

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
  const path = '/customers';
  const headers = { Accept: 'application/json', 'User-Agent': 'customers-api-pre-traffic-check' };
  return {
    resource: path,
    path,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: { id },
    multiValueQueryStringParameters: { id: [id] },
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '',
      apiId: 'pre-traffic-check',
      authorizer: null,
      domainName: '',
      httpMethod: 'GET',
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
  if (answer.statusCode !== 200) return fail(`Lambda Invoke answered ${answer.statusCode}`);
  if (answer.functionError) return fail(`the function failed (${answer.functionError}): ${answer.payload}`);
  const response = parseJson(answer.payload);
  if (!isObject(response)) return fail('the function returned no proxy response');
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

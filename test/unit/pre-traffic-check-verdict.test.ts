/**
 * The pre-traffic check's verdict (src/release-check/release-probe.ts) and what it reports to CodeDeploy (src/release-check/pre-traffic-check.ts):
 * a new version passes only if it answers the lookup, a PUT without an id (refused, 400) and a CORS preflight as the
 * spec says; anything else — an error status, a crash, a wrong body or header, a stored write, an Invoke that fails —
 * is reported Failed, so CodeDeploy keeps the traffic where it is.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { checkBeforeTraffic, type LifecycleHookEvent } from '../../src/release-check/pre-traffic-check.js';
import { parseQualifiedArn } from '../../src/release-check/release-hook-calls.js';
import {
  type InvokeAnswer,
  judgeProbeAnswer,
  PROBE_CUSTOMER_ID,
  probeEvent,
} from '../../src/release-check/release-probe.js';

/** What Lambda's Invoke answers when the function returned `response`. */
function answered(response: Partial<APIGatewayProxyResult> & Record<string, unknown>): InvokeAnswer {
  return { statusCode: 200, payload: JSON.stringify(response) };
}

const lookup = (body: unknown, headers: Record<string, unknown> = {}) =>
  answered({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  });

describe('the verdict on the new version’s answer', () => {
  it.each([true, false])('passes a 200 {id, customerInDB: %s} with the JSON and no-store headers', (found) => {
    expect(judgeProbeAnswer(lookup({ id: PROBE_CUSTOMER_ID, customerInDB: found }))).toEqual({ passed: true });
  });

  it('reads header names in any case', () => {
    const answer = answered({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'CACHE-CONTROL': 'no-store' },
      body: JSON.stringify({ id: PROBE_CUSTOMER_ID, customerInDB: false }),
    });
    expect(judgeProbeAnswer(answer)).toEqual({ passed: true });
  });

  it.each<[string, InvokeAnswer, RegExp]>([
    [
      'the function crashed',
      { statusCode: 200, functionError: 'Unhandled', payload: '{"errorMessage":"boom"}' },
      /Unhandled.*boom/,
    ],
    ['Lambda refused the invocation', { statusCode: 403, payload: '{"Message":"denied"}' }, /Invoke answered 403/],
    ['a 500 answered as a normal response', answered({ statusCode: 500, body: '{"message":"x"}' }), /500, not 200/],
    ['a 503 (the table unreachable)', answered({ statusCode: 503, body: '{"message":"x"}' }), /503, not 200/],
    ['no proxy response', { statusCode: 200, payload: 'null' }, /no proxy response/],
    ['a payload that is not JSON', { statusCode: 200, payload: 'oops' }, /no proxy response/],
    [
      'another id',
      lookup({ id: 'someone-else', customerInDB: true }),
      /names id "someone-else", not "pre-traffic-check-probe"/,
    ],
    ['customerInDB not a boolean', lookup({ id: PROBE_CUSTOMER_ID, customerInDB: 'yes' }), /not \{id, customerInDB\}/],
    ['a field the spec does not have', lookup({ id: PROBE_CUSTOMER_ID, customerInDB: true, extra: 1 }), /not \{id/],
    ['a body that is not JSON', answered({ statusCode: 200, headers: jsonHeaders(), body: '<html>' }), /not \{id/],
    [
      'a missing Content-Type',
      lookup({ id: PROBE_CUSTOMER_ID, customerInDB: true }, { 'Content-Type': undefined }),
      /Content-Type/,
    ],
    [
      'a cacheable answer',
      lookup({ id: PROBE_CUSTOMER_ID, customerInDB: true }, { 'Cache-Control': 'max-age=60' }),
      /Cache-Control is "max-age=60"/,
    ],
    [
      'a base64-encoded body',
      answered({ statusCode: 200, headers: jsonHeaders(), body: 'e30=', isBase64Encoded: true }),
      /base64/,
    ],
  ])('fails when %s', (_case, answer, reason) => {
    const verdict = judgeProbeAnswer(answer);
    expect(verdict.passed).toBe(false);
    expect(verdict.passed ? '' : verdict.reason).toMatch(reason);
  });
});

function jsonHeaders() {
  return { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
}

describe('the probe', () => {
  it('is a REST API (v1) proxy event for a lookup, GET /customers?id=<probe id>, with no body', () => {
    const event: APIGatewayProxyEvent = probeEvent();
    expect(event).toMatchObject({
      httpMethod: 'GET',
      resource: '/customers',
      path: '/customers',
      queryStringParameters: { id: PROBE_CUSTOMER_ID },
      multiValueQueryStringParameters: { id: [PROBE_CUSTOMER_ID] },
      body: null,
      pathParameters: null,
      isBase64Encoded: false,
      requestContext: { httpMethod: 'GET', resourcePath: '/customers', stage: 'prod', path: '/prod/customers' },
    });
  });
});

describe('what is reported to CodeDeploy', () => {
  const hook: LifecycleHookEvent = { DeploymentId: 'd-123', LifecycleEventHookExecutionId: 'exec-456' };

  /** Answers as a version that follows the spec: the lookup, a 400 for the PUT without an id, a 204 preflight. */
  const asSpecified = async (probe: APIGatewayProxyEvent): Promise<InvokeAnswer> => {
    if (probe.httpMethod === 'PUT')
      return answered({
        statusCode: 400,
        headers: { 'Content-Type': 'application/json' },
        body: '{"message":"no id"}',
      });
    if (probe.httpMethod === 'OPTIONS')
      return answered({ statusCode: 204, headers: { 'Access-Control-Allow-Methods': 'GET,PUT,OPTIONS' }, body: '' });
    return lookup({ id: PROBE_CUSTOMER_ID, customerInDB: false });
  };

  /** Runs the check with `invoke` standing in for Lambda, and records what it reported. */
  async function check(invoke: (probe: APIGatewayProxyEvent) => Promise<InvokeAnswer>) {
    const reports: { event: LifecycleHookEvent; status: string }[] = [];
    const probes: APIGatewayProxyEvent[] = [];
    const verdict = await checkBeforeTraffic(hook, {
      invoke: async (probe) => {
        probes.push(probe as APIGatewayProxyEvent);
        return invoke(probe as APIGatewayProxyEvent);
      },
      report: async (event, status) => {
        reports.push({ event, status });
      },
      log: () => {},
    });
    return { verdict, reports, probes };
  }

  it('Succeeded for the deployment’s hook execution when the version answers as the spec says', async () => {
    const { reports, probes } = await check(asSpecified);
    expect(reports).toEqual([{ event: hook, status: 'Succeeded' }]);
    expect(probes.map((probe) => `${probe.httpMethod} ${probe.path} ${probe.body ?? ''}`)).toEqual([
      'GET /customers ',
      'PUT /customers {}',
      'OPTIONS /customers ',
    ]);
    expect(probes[2]?.headers).toMatchObject({ 'Access-Control-Request-Method': 'PUT' });
  });

  it.each<[string, (probe: APIGatewayProxyEvent) => Promise<InvokeAnswer>, RegExp]>([
    [
      'stores the PUT without an id (200)',
      async (probe) =>
        probe.httpMethod === 'PUT' ? answered({ statusCode: 200, body: '{"created":true}' }) : asSpecified(probe),
      /^PUT without an id: .*answered 200, not 400/,
    ],
    [
      'answers the refusal without {message}',
      async (probe) => (probe.httpMethod === 'PUT' ? answered({ statusCode: 400, body: 'bad' }) : asSpecified(probe)),
      /^PUT without an id: the refusal is not \{message\}/,
    ],
    [
      'refuses the preflight',
      async (probe) => (probe.httpMethod === 'OPTIONS' ? answered({ statusCode: 403, body: '' }) : asSpecified(probe)),
      /^CORS preflight for PUT: .*answered 403, not 2xx/,
    ],
    [
      'does not allow PUT in the preflight',
      async (probe) =>
        probe.httpMethod === 'OPTIONS'
          ? answered({ statusCode: 204, headers: { 'access-control-allow-methods': 'GET' }, body: '' })
          : asSpecified(probe),
      /^CORS preflight for PUT: .*not PUT/,
    ],
  ])('Failed when the version %s', async (_, invoke, reason) => {
    const { verdict, reports } = await check(invoke);
    expect(reports).toEqual([{ event: hook, status: 'Failed' }]);
    expect(verdict).toEqual({ passed: false, reason: expect.stringMatching(reason) });
  });

  it('Failed when the version answers otherwise', async () => {
    const { reports } = await check(async () => answered({ statusCode: 500, body: '{}' }));
    expect(reports).toEqual([{ event: hook, status: 'Failed' }]);
  });

  it('Failed, not silence, when the version cannot be invoked at all', async () => {
    const { verdict, reports } = await check(async () => {
      throw new Error('AccessDeniedException');
    });
    expect(reports).toEqual([{ event: hook, status: 'Failed' }]);
    expect(verdict).toEqual({ passed: false, reason: expect.stringMatching(/could not be invoked.*AccessDenied/) });
  });
});

describe('the version to check, from its ARN', () => {
  it('is the function name and version number, in the ARN’s region', () => {
    expect(parseQualifiedArn('arn:aws:lambda:eu-west-1:123456789012:function:dynamodb-rest-api:42')).toEqual({
      region: 'eu-west-1',
      functionName: 'dynamodb-rest-api',
      qualifier: '42',
    });
  });

  it.each(['', 'arn:aws:lambda:eu-west-1:123456789012:function:dynamodb-rest-api'])('refuses %o', (arn) => {
    expect(() => parseQualifiedArn(arn)).toThrow(/expected a Lambda version ARN/);
  });
});

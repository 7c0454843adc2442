/**
 * The release probes and their verdicts (src/release-check/release-probe.ts), read from the spec, and what the
 * pre-traffic check reports to CodeDeploy (src/release-check/pre-traffic-check.ts): a new version passes only if it
 * answers every lookup, every write it must refuse (400) and every CORS preflight as the spec says; anything else — an
 * error status, a crash, a wrong body or header, a stored write, an Invoke that fails — is reported Failed, so
 * CodeDeploy keeps the traffic where it is. An operation added to the spec is probed without an edit here.
 */

import { Ajv } from 'ajv';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { checkBeforeTraffic, type LifecycleHookEvent } from '../../src/release-check/pre-traffic-check.js';
import { parseQualifiedArn } from '../../src/release-check/release-hook-calls.js';
import {
  conforms,
  credentialedRoutes,
  type InvokeAnswer,
  judgeProbeAnswer,
  PROBE_CUSTOMER_ID,
  type ProbedDocument,
  probeEvent,
  type SpecProbe,
  specProbes,
} from '../../src/release-check/release-probe.js';
import { type HttpMethod, SAFE_METHODS } from '../../src/shared/http-methods.js';
import { specOperations } from '../helpers/spec-examples.js';
import { allowedMethods, specMethods } from '../helpers/spec-methods.js';

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
  const probes = specProbes();
  const probeNamed = (kind: SpecProbe['kind']) => {
    const found = probes.find((probe) => probe.kind === kind);
    if (!found) throw new Error(`the spec gives no ${kind} probe`);
    return found;
  };
  const isWrite = (event: APIGatewayProxyEvent) =>
    event.httpMethod !== 'OPTIONS' && !SAFE_METHODS.has(event.httpMethod.toLowerCase() as HttpMethod);

  /** Answers as a version that follows the spec: the lookup, a 400 for a refused write, a 204 preflight. */
  const asSpecified = async (probe: APIGatewayProxyEvent): Promise<InvokeAnswer> => {
    if (isWrite(probe))
      return answered({
        statusCode: 400,
        headers: { 'Content-Type': 'application/json' },
        body: '{"message":"no id"}',
      });
    if (probe.httpMethod === 'OPTIONS')
      return answered({
        statusCode: 204,
        headers: { 'Access-Control-Allow-Methods': allowedMethods(probe.path).join(',') },
        body: '',
      });
    return lookup({ id: PROBE_CUSTOMER_ID, customerInDB: false });
  };

  /** Runs the check with `invoke` standing in for Lambda, and records what it reported. */
  async function check(invoke: (probe: APIGatewayProxyEvent) => Promise<InvokeAnswer>) {
    const reports: { event: LifecycleHookEvent; status: string }[] = [];
    const sent: APIGatewayProxyEvent[] = [];
    const verdict = await checkBeforeTraffic(hook, {
      invoke: async (probe) => {
        sent.push(probe as APIGatewayProxyEvent);
        return invoke(probe as APIGatewayProxyEvent);
      },
      report: async (event, status) => {
        reports.push({ event, status });
      },
      log: () => {},
    });
    return { verdict, reports, sent };
  }

  it('Succeeded when the version answers as the spec says, after a lookup or refused write per operation and a preflight per method', async () => {
    const { reports, sent } = await check(asSpecified);
    expect(reports).toEqual([{ event: hook, status: 'Succeeded' }]);
    const methods = specMethods('/customers');
    // lookups first, then the writes it must refuse, then the preflights
    const safe = (method: string) => SAFE_METHODS.has(method.toLowerCase() as HttpMethod);
    expect(sent.map((event) => `${event.httpMethod} ${event.path}`)).toEqual([
      ...methods.filter(safe).map((method) => `${method} /customers`),
      ...methods.filter((method) => !safe(method)).map((method) => `${method} /customers`),
      ...methods.map(() => 'OPTIONS /customers'),
    ]);
    const preflights = sent.filter((event) => event.httpMethod === 'OPTIONS');
    expect(preflights.map((event) => event.headers['access-control-request-method'])).toEqual(methods);
  });

  it.each<[string, (probe: APIGatewayProxyEvent) => Promise<InvokeAnswer>, () => RegExp]>([
    [
      'stores a write the spec refuses (200)',
      async (probe) => (isWrite(probe) ? answered({ statusCode: 200, body: '{"created":true}' }) : asSpecified(probe)),
      () => named('refused write', /answered 200, not 400/),
    ],
    [
      'answers the refusal without {message}',
      async (probe) => (isWrite(probe) ? answered({ statusCode: 400, body: '{"error":"bad"}' }) : asSpecified(probe)),
      () => named('refused write', /the refusal is not \{message\}/),
    ],
    [
      'refuses the preflight',
      async (probe) => (probe.httpMethod === 'OPTIONS' ? answered({ statusCode: 403, body: '' }) : asSpecified(probe)),
      () => named('preflight', /answered 403, not 2xx/),
    ],
    [
      'leaves a method of the spec out of the preflight',
      async (probe) =>
        probe.httpMethod === 'OPTIONS'
          ? answered({ statusCode: 204, headers: { 'access-control-allow-methods': 'OPTIONS' }, body: '' })
          : asSpecified(probe),
      () => named('preflight', /the preflight allows \["OPTIONS"\], not [A-Z]+/),
    ],
    [
      'allows a method the spec does not list in the preflight',
      async (probe) =>
        probe.httpMethod === 'OPTIONS'
          ? answered({
              statusCode: 204,
              headers: { 'access-control-allow-methods': [...allowedMethods('/customers'), 'TRACE'].join(',') },
              body: '',
            })
          : asSpecified(probe),
      () => named('preflight', /allows TRACE, which the spec does not list/),
    ],
  ])('Failed when the version %s, naming the probe', async (_, invoke, reason) => {
    const { verdict, reports } = await check(invoke);
    expect(reports).toEqual([{ event: hook, status: 'Failed' }]);
    expect(verdict).toEqual({ passed: false, reason: expect.stringMatching(reason()) });
  });

  /** `^<the first probe of this kind's name>: …reason`. */
  function named(kind: SpecProbe['kind'], reason: RegExp): RegExp {
    return new RegExp(`^${escapeRegExp(probeNamed(kind).name)}: .*${reason.source}`);
  }

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

describe('the probes, from the spec', () => {
  /** The spec with one more operation on /customers (a copy; the spec itself is untouched). */
  function specWith(method: string, operation: Record<string, unknown>): ProbedDocument {
    const document = structuredClone(openapiDocument) as unknown as { paths: Record<string, Record<string, unknown>> };
    (document.paths['/customers'] as Record<string, unknown>)[method] = operation;
    return document;
  }
  const getOperation = () =>
    (openapiDocument as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> }).paths[
      '/customers'
    ]?.get as Record<string, unknown>;

  it('cover every operation of the spec: a lookup for each safe one, a refused request for each write', () => {
    const probes = specProbes();
    for (const operation of specOperations()) {
      const kind = SAFE_METHODS.has(operation.method.toLowerCase() as HttpMethod) ? 'lookup' : 'refused write';
      const probe = probes.find((candidate) => candidate.name.startsWith(`${operation.operationId}:`));
      expect(probe, operation.operationId).toMatchObject({ kind, method: operation.method, path: operation.path });
    }
    expect(probes.filter((probe) => probe.kind !== 'preflight')).toHaveLength(specOperations().length);
  });

  it('send each write a body without what its schema requires, so nothing can be written', () => {
    for (const probe of specProbes().filter((candidate) => candidate.kind === 'refused write')) {
      const operation = specOperations().find((candidate) => probe.name.startsWith(`${candidate.operationId}:`));
      const schema = Object.values(operation?.requestBody?.content ?? {})[0] as { schema?: { required?: string[] } };
      const body = JSON.parse(probe.body ?? '{}') as Record<string, unknown>;
      for (const name of schema?.schema?.required ?? []) expect(body, probe.name).not.toHaveProperty(name);
    }
  });

  it('probe an operation added to the spec: a DELETE gets a refused request without its required id, and a preflight', () => {
    const parameters = getOperation().parameters;
    const probes = specProbes({
      document: specWith('delete', {
        operationId: 'deleteCustomer',
        parameters,
        responses: { '204': { description: 'gone' } },
      }),
    });
    const refused = probes.find((probe) => probe.name.startsWith('deleteCustomer:'));
    expect(refused).toMatchObject({ kind: 'refused write', method: 'DELETE', query: {}, body: null });
    expect(refused?.name).toMatch(/without id$/);
    const preflights = probes.filter((probe) => probe.kind === 'preflight');
    expect(preflights.map((probe) => probe.headers['access-control-request-method'])).toContain('DELETE');
    // and the version's preflight must now allow DELETE
    const [preflight] = preflights;
    const current = answered({ statusCode: 204, headers: { 'Access-Control-Allow-Methods': 'GET,PUT,OPTIONS' } });
    expect(preflight?.judge(current)).toEqual({ passed: false, reason: expect.stringMatching(/not DELETE/) });
    expect(
      credentialedRoutes({
        document: specWith('delete', { operationId: 'deleteCustomer', parameters, responses: {} }),
      }),
    ).toContainEqual({
      method: 'DELETE',
      path: '/customers',
    });
  });

  it('fail, naming the operation, when a write cannot be refused without writing', () => {
    const document = specWith('post', { operationId: 'postAnything', responses: { '200': { description: 'ok' } } });
    expect(() => specProbes({ document })).toThrow(/postAnything: no request it must refuse can be built/);
  });

  it('fail, naming the operation and parameter, when a lookup has a parameter it cannot fill', () => {
    const document = specWith('head', {
      operationId: 'headCustomer',
      parameters: [{ name: 'n', in: 'query', required: true, schema: { type: 'integer' } }],
      responses: { '200': { description: 'ok' } },
    });
    expect(() => specProbes({ document })).toThrow(/headCustomer: parameter n has no example/);
  });
});

describe("the body check, held to ajv's verdicts", () => {
  const ajv = new Ajv({ strict: false });
  /** Every JSON example of every documented response, with its schema; and each made wrong twice. */
  const cases = specOperations().flatMap((operation) =>
    Object.entries(operation.responses).flatMap(([status, response]) =>
      Object.values(response.content ?? {}).flatMap((media) => {
        const { schema, examples } = media as { schema: object; examples?: Record<string, { value: unknown }> };
        return Object.entries(examples ?? {}).flatMap(([name, { value }]) => {
          const label = `${operation.operationId} ${status} ${name}`;
          const object = value as Record<string, unknown>;
          const [first] = Object.keys(object);
          const { [first as string]: _removed, ...withoutFirst } = object;
          return [
            [label, schema, value],
            [`${label} with an extra property`, schema, { ...object, extraProperty: 1 }],
            [`${label} without ${first}`, schema, withoutFirst],
            [`${label} with ${first} a number`, schema, { ...object, [first as string]: 42 }],
          ] as const;
        });
      }),
    ),
  );

  it.each(cases)('agrees on %s', (_case, schema, value) => {
    expect(conforms(schema, value) === undefined).toBe(ajv.validate(schema, value));
  });

  it('has cases to agree on', () => {
    expect(cases.length).toBeGreaterThan(10);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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

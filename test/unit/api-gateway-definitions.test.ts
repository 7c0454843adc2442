/**
 * The local gateway layer (src/local/gateway/api-gateway.ts) on definitions other than the shipped one, for what the
 * shipped definition cannot show: its templates are static, its GET has one parameter and its validator never checks
 * bodies (test/unit/api-gateway.test.ts covers that). Here: what a gateway response template reads (`$context`
 * variables, `method.request.header.<name>`), which schemes and key sources make API Gateway ask for `x-api-key`,
 * which validator a method uses, required parameters in the query and the headers, and request bodies checked against
 * their model where a validator says so (infra/README.md, "Local answers what deployed answers"). A gateway is built
 * inside each test: one that fails to build fails the test, not the file.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { importedDefinition } from '../../infra/imported-definition.js';
import { withDefaults } from '../../infra/settings.js';
import type { HttpError } from '../../src/api/errors.js';
import { toErrorResponse } from '../../src/api/http-response.js';
import { gatewayDefinition } from '../../src/generated/gateway-definition.js';
import { createApiGateway, type GatewayRequest } from '../../src/local/gateway/api-gateway.js';
import { GatewayResponseError } from '../../src/local/gateway/gateway-responses.js';
import {
  type GatewayDefinition,
  type GatewayOperation,
  type GatewayParameter,
  LOCAL_INTEGRATION_URI,
} from '../../src/local/gateway/imported-definition.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';

const KEY = 'first-key-0123456789abcdef';
const shipped = gatewayDefinition;
const shippedGet = shipped.paths['/customers']?.get as GatewayOperation;
const shippedPut = shipped.paths['/customers']?.put as GatewayOperation;

const gatewayOn = (definition: GatewayDefinition) => createApiGateway({ definition, apiKeys: [KEY] });

const request = (overrides: Partial<GatewayRequest> = {}): GatewayRequest => ({
  method: 'GET',
  path: '/customers',
  headers: { 'x-api-key': KEY },
  requestId: 'r-1',
  ...overrides,
});

/** The shipped definition with `/customers`'s GET and PUT replaced, and the root's fields given. */
function definitionWith(
  operations: { get?: GatewayOperation; put?: GatewayOperation },
  root: Partial<GatewayDefinition> = {},
): GatewayDefinition {
  return {
    ...shipped,
    paths: { ...shipped.paths, '/customers': { ...shipped.paths['/customers'], ...operations } },
    ...root,
  };
}

/**
 * A DEFAULT_4XX response (no status: each type's AWS default) whose template shows the `$context` variables AWS
 * documents for gateway responses, and a header read from the request (`method.request.header.x-correlation-id`).
 */
const TELLING_RESPONSES: GatewayDefinition['x-amazon-apigateway-gateway-responses'] = {
  DEFAULT_4XX: {
    responseParameters: {
      'gatewayresponse.header.X-Correlation-Id': 'method.request.header.x-correlation-id',
      'gatewayresponse.header.Cache-Control': "'no-store'",
    },
    responseTemplates: {
      'application/json':
        '{"message":$context.error.messageString,"type":"$context.error.responseType","requestId":"$context.requestId","found":"$context.error.validationErrorString"}',
    },
  },
};

interface Refusal {
  status: number;
  body: { message?: string; type?: string; requestId?: string; found?: string };
  headers: Record<string, string>;
  /** What the log line says (HttpError.reason); never in the body. */
  reason: unknown;
}

/** The answer a refusal becomes (the finishing step sends it as it is), and the reason it logs. */
function refusal(act: () => unknown): Refusal {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayResponseError);
    const result = toErrorResponse(error);
    return {
      status: result.statusCode,
      body: JSON.parse(result.body),
      headers: result.headers as Record<string, string>,
      reason: (error as HttpError).reason,
    };
  }
  throw new Error('expected the gateway to refuse');
}

/** A GET /customers event as API Gateway sends it: `queryStringParameters` null when there is no query string. */
function getEvent(
  query: Record<string, string> | null,
  headers: Record<string, string> = {},
  requestId = 'r-get',
): APIGatewayProxyEvent {
  const event = proxyEvent({ queryStringParameters: query, headers: { Host: 'abc123.example', ...headers } });
  return { ...event, requestContext: { ...event.requestContext, requestId } };
}

describe('what a gateway response template reads: $context and the request headers', () => {
  const telling = definitionWith({}, { 'x-amazon-apigateway-gateway-responses': TELLING_RESPONSES });

  it('renders MISSING_AUTHENTICATION_TOKEN with the request id and a request header, and logs why', () => {
    const answer = refusal(() =>
      gatewayOn(telling).admit(
        request({ path: '/orders', requestId: 'r-404', headers: { 'x-correlation-id': 'c-1' } }),
      ),
    );
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ type: 'MISSING_AUTHENTICATION_TOKEN', requestId: 'r-404' });
    expect(answer.headers['X-Correlation-Id']).toBe('c-1');
    expect(answer.reason).toBe('no such resource or method');
  });

  it('renders INVALID_API_KEY with the request id and a request header, and logs a missing key apart from an unknown one', () => {
    const gateway = gatewayOn(telling);
    const missing = refusal(() =>
      gateway.admit(request({ requestId: 'r-403', headers: { 'x-correlation-id': 'c-2' } })),
    );
    expect(missing).toMatchObject({ status: 403, body: { message: 'Forbidden', type: 'INVALID_API_KEY' } });
    expect(missing.body.requestId).toBe('r-403');
    expect(missing.headers['X-Correlation-Id']).toBe('c-2');
    expect(missing.reason).toBe('no API key');
    const unknown = refusal(() => gateway.admit(request({ headers: { 'x-api-key': 'not-a-key-0123456789abcdef' } })));
    expect(unknown.reason).toBe('unknown API key');
  });

  it("renders BAD_REQUEST_PARAMETERS with AWS's message, the event's request id and a header sent in any case", () => {
    const gateway = gatewayOn(telling);
    const event = getEvent({}, { 'X-Correlation-Id': 'c-3' }, 'r-400');
    const answer = refusal(() => gateway.validate(gateway.route(request()), event));
    const message = 'Missing required request parameters: [id]';
    expect(answer).toMatchObject({ status: 400, body: { message, found: message, requestId: 'r-400' } });
    expect(answer.body.type).toBe('BAD_REQUEST_PARAMETERS');
    expect(answer.headers['X-Correlation-Id']).toBe('c-3');
    expect(answer.reason).toBe(message);
  });
});

describe('which security schemes make the gateway ask for x-api-key', () => {
  const definitionFor = (auth: 'iam' | 'none') =>
    importedDefinition({
      settings: withDefaults({ auth }),
      integrationUri: LOCAL_INTEGRATION_URI,
    }) as unknown as GatewayDefinition;

  it('asks for no API key on the iam definition: its SigV4 scheme is read from Authorization, not x-api-key', () => {
    const iam = definitionFor('iam');
    expect(JSON.stringify(iam.components?.securitySchemes)).toContain('Authorization');
    expect(gatewayOn(iam).admit(request({ headers: {} })).operation.operationId).toBe('getCustomer');
  });

  it('asks for no API key on the none definition, which has no security schemes at all', () => {
    const none = definitionFor('none');
    expect(none.components).toBeUndefined();
    expect(gatewayOn(none).admit(request({ headers: {} })).operation.operationId).toBe('getCustomer');
  });

  it('reads keys from x-api-key when the definition names no key source (HEADER is the default)', () => {
    const { 'x-amazon-apigateway-api-key-source': _source, ...withoutSource } = shipped;
    expect(refusal(() => gatewayOn(withoutSource).admit(request({ headers: {} }))).status).toBe(403);
    expect(gatewayOn(withoutSource).admit(request()).operation.operationId).toBe('getCustomer');
  });

  it('does not read x-api-key when the key source is AUTHORIZER (the key would come from an authorizer)', () => {
    const authorizer = definitionWith({}, { 'x-amazon-apigateway-api-key-source': 'AUTHORIZER' });
    expect(gatewayOn(authorizer).admit(request({ headers: {} })).operation.operationId).toBe('getCustomer');
  });

  it.each([
    ['a key in the query string', { type: 'apiKey', name: 'x-api-key', in: 'query' }],
    ['an HTTP bearer scheme', { type: 'http' }],
  ])('asks for no x-api-key for %s, which is not an API Gateway key', (_case, scheme) => {
    const other = definitionWith({}, { components: { securitySchemes: { apiKey: scheme } } });
    expect(gatewayOn(other).admit(request({ headers: {} })).operation.operationId).toBe('getCustomer');
  });
});

describe("which request validator a method uses: its own, else the root's", () => {
  const validators = {
    parameters: { validateRequestBody: false, validateRequestParameters: true },
    bodiesOnly: { validateRequestBody: true, validateRequestParameters: false },
  };

  it("uses the method's own validator over the root's", () => {
    const definition = definitionWith(
      { get: { ...shippedGet, 'x-amazon-apigateway-request-validator': 'bodiesOnly' } },
      { 'x-amazon-apigateway-request-validators': validators, 'x-amazon-apigateway-request-validator': 'parameters' },
    );
    const gateway = gatewayOn(definition);
    expect(() => gateway.validate(gateway.route(request()), getEvent(null))).not.toThrow();
  });

  it("uses the root's validator for a method that names none", () => {
    const { 'x-amazon-apigateway-request-validator': _own, ...unnamed } = shippedGet;
    const definition = definitionWith(
      { get: unnamed },
      { 'x-amazon-apigateway-request-validators': validators, 'x-amazon-apigateway-request-validator': 'parameters' },
    );
    const gateway = gatewayOn(definition);
    expect(refusal(() => gateway.validate(gateway.route(request()), getEvent(null))).status).toBe(400);
  });
});

describe('required request parameters, in the query and in the headers', () => {
  const parameters: GatewayParameter[] = [
    { name: 'id', in: 'query', required: true },
    { name: 'X-Trace', in: 'header', required: true },
    { name: 'verbose', in: 'query', required: false },
    { name: 'page', in: 'query' },
  ];
  const definition = definitionWith(
    { get: { ...shippedGet, parameters } },
    { 'x-amazon-apigateway-gateway-responses': TELLING_RESPONSES },
  );

  it('passes a request with every required parameter, a header in any case, the optional ones left out', () => {
    const gateway = gatewayOn(definition);
    for (const header of ['X-Trace', 'x-trace']) {
      const event = getEvent({ id: 'a' }, { [header]: 't-1' });
      expect(() => gateway.validate(gateway.route(request()), event), header).not.toThrow();
    }
  });

  it('names every missing required parameter, in the order the method lists them', () => {
    const gateway = gatewayOn(definition);
    const answer = refusal(() => gateway.validate(gateway.route(request()), getEvent({ verbose: 'true' })));
    expect(answer.body.message).toBe('Missing required request parameters: [id, X-Trace]');
  });

  it('names a query parameter missing when the request has no query string at all (queryStringParameters null)', () => {
    const gateway = gatewayOn(definition);
    const answer = refusal(() => gateway.validate(gateway.route(request()), getEvent(null, { 'x-trace': 't-1' })));
    expect(answer.body.message).toBe('Missing required request parameters: [id]');
  });

  it('names an empty header as missing', () => {
    const gateway = gatewayOn(definition);
    const answer = refusal(() => gateway.validate(gateway.route(request()), getEvent({ id: 'a' }, { 'x-trace': '' })));
    expect(answer.body.message).toBe('Missing required request parameters: [X-Trace]');
  });

  it('finds a required path parameter in the path the resource matched', () => {
    const withPath: GatewayDefinition = {
      ...definition,
      paths: {
        ...definition.paths,
        '/customers/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true }] } },
      },
    };
    const gateway = gatewayOn(withPath);
    const route = gateway.route(request({ path: '/customers/a%20b' }));
    expect(route.pathParameters).toEqual({ id: 'a b' });
    expect(() => gateway.validate(route, getEvent(null))).not.toThrow();
  });

  it('checks no parameter when the validator does not validate parameters', () => {
    const bodiesOnly = definitionWith(
      { get: { ...shippedGet, parameters } },
      { 'x-amazon-apigateway-request-validators': { parameters: { validateRequestBody: true } } },
    );
    const gateway = gatewayOn(bodiesOnly);
    expect(() => gateway.validate(gateway.route(request()), getEvent(null))).not.toThrow();
  });
});

describe("request bodies, checked against the operation's model where the validator says so", () => {
  const validatesBodies = {
    'x-amazon-apigateway-request-validators': {
      parameters: { validateRequestBody: true, validateRequestParameters: true },
    },
    'x-amazon-apigateway-gateway-responses': TELLING_RESPONSES,
  };
  const withPut = (put: GatewayOperation) => definitionWith({ put }, validatesBodies);
  const required = withPut(shippedPut);
  const optional = withPut({
    ...shippedPut,
    requestBody: { required: false, content: shippedPut.requestBody?.content ?? {} },
  });

  const put = (definition: GatewayDefinition, event: APIGatewayProxyEvent) => {
    const gateway = gatewayOn(definition);
    return () => gateway.validate(gateway.route(request({ method: 'PUT' })), event);
  };
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

  it('checks no body on a method without a request body (GET)', () => {
    const gateway = gatewayOn(required);
    const event = { ...getEvent({ id: 'a' }), body: 'not json' };
    expect(() => gateway.validate(gateway.route(request()), event)).not.toThrow();
  });

  it('says where the model failed in $context.error.validationErrorString, and logs it', () => {
    const answer = refusal(put(required, putEvent('{"id":5}')));
    expect(answer).toMatchObject({ status: 400, body: { type: 'BAD_REQUEST_BODY', found: '[/id must be string]' } });
    expect(answer.body.requestId).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
    expect(answer.reason).toBe('body refused by the model: [/id must be string]');
  });

  it('names every problem the model finds, the body itself as /', () => {
    const twoRequired = withPut({
      ...shippedPut,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' } } },
          },
        },
      },
    });
    const answer = refusal(put(twoRequired, putEvent('{}')));
    expect(answer.body.found).toBe("[/ must have required property 'id', / must have required property 'name']");
  });

  it("accepts a model carrying OpenAPI's example keyword, which a JSON Schema validator does not know", () => {
    const withExample = withPut({
      ...shippedPut,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', example: { id: 'a' }, properties: { id: { type: 'string', example: 'a' } } },
          },
        },
      },
    });
    expect(put(withExample, putEvent('{"id":"a"}'))).not.toThrow();
    expect(refusal(put(withExample, putEvent('{"id":5}'))).status).toBe(400);
  });

  it('reads a body without Content-Type as JSON, and checks it', () => {
    expect(refusal(put(required, putEvent('{"id":5}', {}))).body.found).toBe('[/id must be string]');
    expect(put(required, putEvent('{"id":"a"}', {}))).not.toThrow();
  });

  it('finds the model by the media type alone, whatever its case and parameters', () => {
    const headers = { 'Content-Type': 'Application/JSON ; charset=UTF-8' };
    expect(refusal(put(required, putEvent('{"id":5}', headers))).status).toBe(400);
    expect(put(required, putEvent('{"id":"a"}', headers))).not.toThrow();
  });

  it('checks no body whose media type has no model (the Lambda answers it)', () => {
    expect(put(required, putEvent('{"id":5}', { 'Content-Type': 'text/plain' }))).not.toThrow();
  });

  it('decodes a base64-encoded body before checking it', () => {
    const event = (text: string) => ({ ...putEvent(base64(text)), isBase64Encoded: true });
    expect(put(required, event('{"id":"a"}'))).not.toThrow();
    expect(refusal(put(required, event('{"id":5}'))).body.found).toBe('[/id must be string]');
  });

  it('refuses a missing or empty body where the body is required', () => {
    for (const body of [null, '']) {
      const event = { ...putEvent(''), body };
      expect(refusal(put(required, event)).body.found, String(body)).toBe('[/ must be object]');
    }
  });

  it('passes a missing or empty body where the body is optional, but checks one that is sent', () => {
    for (const body of [null, '']) expect(put(optional, { ...putEvent(''), body }), String(body)).not.toThrow();
    expect(refusal(put(optional, putEvent('{"id":5}'))).body.found).toBe('[/id must be string]');
  });

  it("refuses a body that is not JSON with validationErrorString 'Invalid JSON', body optional or not", () => {
    for (const definition of [required, optional]) {
      const answer = refusal(put(definition, putEvent('not json')));
      expect(answer).toMatchObject({ status: 400, body: { type: 'BAD_REQUEST_BODY', found: 'Invalid JSON' } });
      expect(answer.reason).toBe('body is not JSON');
    }
  });
});

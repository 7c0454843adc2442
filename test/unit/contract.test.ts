/**
 * src/api/contract.ts on its own, over a small spec of its own: the facts it derives from the spec (when a request needs
 * openapi-backend's own parsing, which query parameters there are, which header carries an API key) and the
 * shortcut it takes for paths without templates.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { Contract } from '../../src/api/contract.js';
import { proxyEvent } from '../helpers/proxy-events.js';

const ok = { 200: { description: 'ok' } };
const text = { type: 'string' };

const definition = {
  openapi: '3.0.3',
  info: { title: 'facts', version: '1' },
  paths: {
    '/plain': { get: { operationId: 'plain', parameters: [{ name: 'q', in: 'query', schema: text }], responses: ok } },
    '/header': {
      get: {
        operationId: 'header',
        // a header parameter, even one not exploded, is read from the headers as they are
        parameters: [{ name: 'x-h', in: 'header', explode: false, schema: { type: 'array', items: text } }],
        responses: ok,
      },
    },
    '/cookie': {
      get: { operationId: 'cookie', parameters: [{ name: 's', in: 'cookie', schema: text }], responses: ok },
    },
    '/json-query': {
      get: {
        operationId: 'jsonQuery',
        parameters: [{ name: 'f', in: 'query', content: { 'application/json': { schema: { type: 'object' } } } }],
        responses: ok,
      },
    },
    '/unexploded': {
      get: {
        operationId: 'unexploded',
        parameters: [{ name: 'ids', in: 'query', explode: false, schema: { type: 'array', items: text } }],
        responses: ok,
      },
    },
    '/things/{id}': {
      put: {
        operationId: 'putThing',
        security: [{ key: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: text }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: ok,
      },
    },
  },
  components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Thing-Key' } } },
};

function fresh() {
  return new Contract(structuredClone(definition) as never, { precompiled: false });
}

const get = (path: string, overrides: Partial<APIGatewayProxyEvent> = {}) => proxyEvent({ path, ...overrides });

describe('Contract', () => {
  it.each([
    ['/plain', false],
    ['/header', false],
    ['/cookie', true],
    ['/json-query', true],
    ['/unexploded', true],
  ])('lets openapi-backend parse a request to %s only when it must: %s', (path, parses) => {
    const contract = fresh();
    const validateRequest = vi.spyOn(contract.validator, 'validateRequest');

    contract.validate(contract.match('GET', path) as never, get(path), undefined);

    expect(validateRequest).toHaveBeenCalledTimes(parses ? 1 : 0);
  });

  it('reads only the declared query parameters, never a header parameter of the same name', () => {
    const contract = fresh();
    const event = get('/header', {
      queryStringParameters: { 'x-h': 'from-query', q: 'undeclared' },
      multiValueQueryStringParameters: { 'x-h': ['from-query'], q: ['undeclared'] },
    });

    const { errors, query } = contract.validate(contract.match('GET', '/header') as never, event, undefined);

    expect({ errors, query }).toEqual({ errors: [], query: {} });
  });

  it('judges a parsed body as JSON on the parsing path too, whatever the request’s Content-Type said', () => {
    const contract = fresh();
    const operation = contract.match('PUT', '/things/1') as never;
    const event = proxyEvent({ httpMethod: 'PUT', path: '/things/1', headers: {}, body: '"abc"' });

    const { errors } = contract.validate(operation, event, { value: 'abc' });

    expect(errors.map((error) => [error.instancePath, error.keyword])).toEqual([['/requestBody', 'type']]);
  });

  it('routes a path without templates from its own table, without openapi-backend’s scan', () => {
    const contract = fresh();
    const scan = vi.spyOn(contract.router, 'matchOperation');

    expect(contract.match('GET', '/plain')?.operationId).toBe('plain');
    expect(contract.match('get', '/plain')?.operationId).toBe('plain');
    expect(scan).not.toHaveBeenCalled();

    expect(contract.match('PUT', '/things/1')?.operationId).toBe('putThing');
    expect(scan).toHaveBeenCalledOnce();
    expect(contract.match('POST', '/plain')).toBeUndefined();
  });

  it('lists the methods a path allows, in upper case, and none for an unknown path', () => {
    const contract = fresh();
    expect(contract.allowedMethods('/things/7')).toEqual(['PUT']);
    expect(contract.allowedMethods('/nowhere')).toEqual([]);
  });

  it('knows the media types an operation takes, and none for one without a body', () => {
    const contract = fresh();
    expect(contract.acceptedMediaTypes(contract.match('PUT', '/things/1') as never)).toEqual(['application/json']);
    expect(contract.acceptedMediaTypes(contract.match('GET', '/plain') as never)).toEqual([]);
  });
});

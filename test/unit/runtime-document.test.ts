import { describe, expect, it } from 'vitest';
import { Contract } from '../../src/api/contract.js';
import { toErrorDetails } from '../../src/api/validation-errors.js';
import { toRuntimeDocument } from '../../src/build/runtime-document.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { runtimeDocument } from '../../src/generated/runtime-document.js';
import { proxyEvent } from '../helpers/proxy-events.js';

describe('the runtime document', () => {
  it('keeps operations, parameters, request bodies and schema keywords, drops prose, examples and responses', () => {
    const document = {
      openapi: '3.0.3',
      info: { title: 'T', version: '2', description: 'long prose' },
      tags: [{ name: 'x' }],
      components: { schemas: { Unused: { type: 'string' } } },
      paths: {
        '/things/{id}': {
          summary: 'things',
          parameters: [{ name: 'id', in: 'path', required: true, description: 'the id', schema: { type: 'string' } }],
          'x-path-extension': 1,
          get: {
            operationId: 'getThing',
            summary: 's',
            description: 'd',
            tags: ['x'],
            'x-rate': 5,
            responses: { 200: { description: 'ok' } },
          },
          put: {
            operationId: 'putThing',
            requestBody: {
              description: 'body',
              content: {
                'application/json': {
                  example: { description: 'x' },
                  schema: {
                    type: 'object',
                    title: 'Thing',
                    properties: {
                      description: { type: 'string', description: 'a property called description', example: 'x' },
                      examples: { type: 'array', items: { type: 'string', 'x-pattern-message': 'kept' } },
                    },
                  },
                },
              },
            },
            responses: { 204: { description: 'stored' } },
          },
        },
      },
    };
    expect(toRuntimeDocument(document)).toEqual({
      openapi: '3.0.3',
      info: { title: 'T', version: '2' },
      paths: {
        '/things/{id}': {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          'x-path-extension': 1,
          get: { operationId: 'getThing', 'x-rate': 5 },
          put: {
            operationId: 'putThing',
            requestBody: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      description: { type: 'string' },
                      examples: { type: 'array', items: { type: 'string', 'x-pattern-message': 'kept' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    });
  });

  it('is the generated one for the spec, much smaller than the whole document', () => {
    expect(runtimeDocument).toEqual(toRuntimeDocument(openapiDocument as never));
    expect(JSON.stringify(runtimeDocument).length).toBeLessThan(JSON.stringify(openapiDocument).length / 5);
  });

  it('routes and validates requests exactly as the whole spec does', () => {
    const runtime = new Contract(runtimeDocument, { precompiled: false });
    const whole = new Contract(openapiDocument, { precompiled: false });
    for (const path of ['/customers', '/customers/1', '/']) {
      expect(runtime.allowedMethods(path), path).toEqual(whole.allowedMethods(path));
    }
    const requests = [
      ['GET', { id: 'cust-1' }, undefined],
      ['GET', { id: 'a b' }, undefined],
      ['GET', { id: '😀'.repeat(513) }, undefined],
      ['GET', {}, undefined],
      ['PUT', {}, '{"id": "cust-1", "other": true}'],
      ['PUT', {}, '{"id": ""}'],
      ['PUT', {}, '{"id": 5}'],
      ['PUT', {}, '[]'],
      ['PUT', {}, undefined],
    ] as const;
    for (const [method, query, body] of requests) {
      const [runtimeOperation, wholeOperation] = [runtime, whole].map((contract) =>
        contract.match(method, '/customers'),
      );
      if (!runtimeOperation || !wholeOperation) throw new Error(`${method} /customers is not in the spec`);
      expect(runtimeOperation.operationId).toBe(wholeOperation.operationId);
      expect(runtime.acceptedMediaTypes(runtimeOperation)).toEqual(whole.acceptedMediaTypes(wholeOperation));
      const event = proxyEvent({ httpMethod: method, queryStringParameters: query, body: body ?? null });
      const parsed = body === undefined ? undefined : { value: JSON.parse(body) };
      expect(
        toErrorDetails(runtime.validate(runtimeOperation, event, parsed).errors),
        JSON.stringify({ method, query, body }),
      ).toEqual(toErrorDetails(whole.validate(wholeOperation, event, parsed).errors));
    }
  });
});

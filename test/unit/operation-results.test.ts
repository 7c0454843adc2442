/**
 * What an operation answers: one of the success responses its spec documents, status and body typed from the
 * generated types (`npm run typecheck` fails if a `@ts-expect-error` line below compiles), and sent as chosen: JSON
 * with its body, or no content at all.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Contract } from '../../src/api/contract.js';
import { createResponseFinisher } from '../../src/api/finish-response.js';
import { createLogger } from '../../src/api/logger.js';
import { MemoryCustomerStore } from '../../src/api/memory-customer-store.js';
import {
  createOperations,
  type OperationHandlers,
  type OperationResult,
  type SuccessResult,
} from '../../src/api/operations.js';
import { createRequestHandler } from '../../src/api/request-handler.js';
import type { components } from '../../src/generated/openapi-types.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';

/** The responses of an operation that answers 201 with a body, 204 without, and an error. */
interface Responses {
  201: { headers: { [name: string]: unknown }; content: { 'application/json': { id: string } } };
  204: { headers: { [name: string]: unknown }; content?: never };
  404: { headers: { [name: string]: unknown }; content: { 'application/json': { message: string } } };
}

describe('an operation result', () => {
  it('is one of the documented success responses: a body where the spec gives content, none for a 204', () => {
    expectTypeOf<SuccessResult<Responses>>().toEqualTypeOf<
      { readonly status: 201; readonly body: { id: string } } | { readonly status: 204; readonly body?: undefined }
    >();
    expectTypeOf<OperationResult<'getCustomer'>>().toEqualTypeOf<{
      readonly status: 200;
      readonly body: components['schemas']['CustomerLookup'];
    }>();
  });

  it('does not compile with a status or a body the spec does not document', () => {
    const misuses = (): SuccessResult<Responses>[] => [
      // @ts-expect-error a 204 has no content
      { status: 204, body: { id: 'a' } },
      // @ts-expect-error a 201 has its body
      { status: 201 },
      // @ts-expect-error an error is no result: it is thrown (src/api/errors.ts)
      { status: 404, body: { message: 'Not Found' } },
      // @ts-expect-error 200 is not documented here
      { status: 200, body: { id: 'a' } },
    ];
    expect(misuses).toBeTypeOf('function');
  });
});

/** The API's handler with its operations' results replaced: what the request handler sends for each. */
function answering(results: Partial<Record<keyof OperationHandlers, { status: number; body?: unknown }>>) {
  const operations = { ...createOperations(new MemoryCustomerStore()) } as Record<string, unknown>;
  for (const [operationId, result] of Object.entries(results)) operations[operationId] = async () => result;
  return createRequestHandler({
    contract: new Contract(),
    operations: operations as unknown as OperationHandlers,
    finish: createResponseFinisher({ config: { corsAllowedOrigins: ['*'] }, logger: createLogger('silent') }),
  });
}

describe('the request handler', () => {
  it('answers the status and JSON body the operation chose', async () => {
    const handler = answering({ putCustomer: { status: 201, body: { id: 'c-1' } } });
    const result = await handler(putEvent('{"id":"c-1"}'));
    expect(result).toMatchObject({ statusCode: 201, body: '{"id":"c-1"}' });
    expect(result.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  });

  it('answers a result without a body with no content and no Content-Type', async () => {
    const handler = answering({ getCustomer: { status: 204 } });
    const result = await handler(proxyEvent({ queryStringParameters: { id: 'c-1' } }));
    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
    expect(Object.keys(result.headers ?? {}).map((name) => name.toLowerCase())).not.toContain('content-type');
  });

  it("answers the spec's operations as before: 200 with their JSON body", async () => {
    const handler = answering({});
    const result = await handler(proxyEvent({ queryStringParameters: { id: 'c-1' } }));
    expect(result).toMatchObject({ statusCode: 200, body: '{"id":"c-1","customerInDB":false}' });
    expect(result.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });
});

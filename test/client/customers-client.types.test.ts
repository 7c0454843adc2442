/**
 * Type tests for src/client/client.ts: `npm run typecheck` (tsc) fails if a `@ts-expect-error` line below compiles, i.e.
 * if the client stops rejecting a path, method, query or body the spec does not have. vitest runs the file too,
 * but the calls sit in a function that is never called: no request is sent.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ApiError,
  type CustomerLookup,
  type CustomerWritten,
  createCustomersClient,
} from '../../src/client/client.js';

function misuses(): void {
  const client = createCustomersClient('http://localhost:3000');

  // @ts-expect-error a path the spec does not have
  client.GET('/customer', { params: { query: { id: 'cust-4f9a2c' } } });
  // @ts-expect-error a method /customers does not support
  client.POST('/customers', { body: { id: 'cust-4f9a2c' } });
  // @ts-expect-error DELETE is not an operation either
  client.DELETE('/customers', { params: { query: { id: 'cust-4f9a2c' } } });
  // @ts-expect-error the id query parameter is required
  client.GET('/customers', { params: { query: {} } });
  // @ts-expect-error the id is a string
  client.GET('/customers', { params: { query: { id: 42 } } });
  // @ts-expect-error a body without id
  client.PUT('/customers', { body: { name: 'Ada' } });
  // @ts-expect-error an id that is not a string
  client.PUT('/customers', { body: { id: 42 } });
  // @ts-expect-error the body is required
  client.PUT('/customers', {});
}

function keyMisuses(): void {
  // @ts-expect-error the key is a string
  createCustomersClient('http://localhost:3000', { apiKey: 42 });
}

describe('createCustomersClient types', () => {
  it('rejects wrong paths, methods, queries and bodies at compile time', () => {
    expectTypeOf(misuses).toBeFunction();
    expectTypeOf(keyMisuses).toBeFunction();
  });

  it('types the data and error of each operation from the spec', () => {
    const client = createCustomersClient('http://localhost:3000');
    const get = () => client.GET('/customers', { params: { query: { id: 'cust-4f9a2c' } } });
    const put = () => client.PUT('/customers', { body: { id: 'cust-4f9a2c' } });
    type GetResult = Awaited<ReturnType<typeof get>>;
    type PutResult = Awaited<ReturnType<typeof put>>;

    expectTypeOf<NonNullable<GetResult['data']>>().toEqualTypeOf<CustomerLookup>();
    expectTypeOf<NonNullable<PutResult['data']>>().toEqualTypeOf<CustomerWritten>();
    expectTypeOf<NonNullable<GetResult['error']>>().toEqualTypeOf<ApiError>();
    expectTypeOf<CustomerWritten['message']>().toEqualTypeOf<'success'>();
  });

  it('accepts extra body properties, which the spec allows and the API ignores', () => {
    const client = createCustomersClient('http://localhost:3000');
    const call = () => client.PUT('/customers', { body: { id: 'cust-4f9a2c', source: 'signup-form' } });
    expectTypeOf(call).returns.resolves.toHaveProperty('data');
  });
});

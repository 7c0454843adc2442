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
import type { paths } from '../../src/generated/openapi-types.js';

function misuses(): void {
  const client = createCustomersClient('http://localhost:3000');

  // @ts-expect-error a path the spec does not have
  client.GET('/customer', { params: { query: { id: 'cust-4f9a2c' } } });
  // @ts-expect-error a method /customers does not support (every such method: the test below, from the spec)
  client.POST('/customers', { body: { id: 'cust-4f9a2c' } });
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

type Client = ReturnType<typeof createCustomersClient>;
type CustomersItem = paths['/customers'];
/** The methods the generated path item of /customers leaves out (`?: never`), as the client names them. */
type MethodsNotInSpec = Uppercase<
  {
    [M in Exclude<keyof CustomersItem, 'parameters'>]-?: [NonNullable<CustomersItem[M]>] extends [never] ? M : never;
  }[Exclude<keyof CustomersItem, 'parameters'>]
>;
/** The paths the client accepts for each of `Methods`. */
type PathsFor<Methods extends keyof Client> = Parameters<Client[Methods]>[0];

describe('createCustomersClient types', () => {
  it('refuses /customers for every method the spec does not give it, and accepts it for those it does', () => {
    expectTypeOf<MethodsNotInSpec>().not.toBeNever();
    expectTypeOf<Extract<PathsFor<MethodsNotInSpec & keyof Client>, '/customers'>>().toBeNever();
    type MethodsInSpec = Uppercase<Exclude<keyof CustomersItem, 'parameters'>> & keyof Client;
    expectTypeOf<Exclude<MethodsInSpec, MethodsNotInSpec>>().not.toBeNever();
    expectTypeOf<'/customers'>().toExtend<PathsFor<Exclude<MethodsInSpec, MethodsNotInSpec>>>();
  });

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

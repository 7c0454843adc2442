/**
 * Type tests for `next()` of the MSW mock (src/client/client-msw.ts): `npm run typecheck` (tsc) fails if a
 * `@ts-expect-error` line below compiles, i.e. if an operation, status or example the spec does not document stops
 * being a compile error. The calls sit in a function that is never called.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CustomersExampleName,
  type CustomersExampleStatus,
  createCustomersMock,
} from '../../src/client/client-msw.js';

function misuses(): void {
  const mock = createCustomersMock({ baseUrl: 'https://api.example.test' });

  // @ts-expect-error an operation the spec does not have
  mock.next('deleteCustomer', { status: 200 });
  // @ts-expect-error a status the spec does not document for getCustomer (415 is putCustomer's)
  mock.next('getCustomer', { status: 415 });
  // @ts-expect-error a status no operation documents
  mock.next('putCustomer', { status: 418 });
  // @ts-expect-error an example name the spec does not have
  mock.next('getCustomer', { example: 'missingCustomer' });
  // @ts-expect-error a name of another status: `whitespace` is a 400 example, not a 200
  mock.next('getCustomer', { status: 200, example: 'whitespace' });
  // @ts-expect-error a name of another operation: `duplicateKey` is putCustomer's
  mock.next('getCustomer', { status: 400, example: 'duplicateKey' });
  // @ts-expect-error networkError is `true` or left out
  mock.next('getCustomer', { networkError: false });
}

describe('CustomersMock.next types', () => {
  it('rejects operations, statuses and examples the spec does not document, at compile time', () => {
    expectTypeOf(misuses).toBeFunction();
  });

  it('types the statuses and example names of each operation from the spec', () => {
    expectTypeOf<CustomersExampleStatus<'getCustomer'>>().toEqualTypeOf<
      200 | 400 | 401 | 403 | 413 | 429 | 500 | 503
    >();
    expectTypeOf<CustomersExampleName<'getCustomer', 200>>().toEqualTypeOf<'found' | 'notFound' | 'unicode'>();
    expectTypeOf<CustomersExampleName<'putCustomer', 200>>().toEqualTypeOf<'created' | 'existing' | 'unicode'>();
    expectTypeOf<CustomersExampleName<'putCustomer', 415>>().toEqualTypeOf<'example'>();
  });

  it('accepts what the spec documents', () => {
    const mock = createCustomersMock({ baseUrl: 'https://api.example.test' });
    const uses = () => {
      mock.next('getCustomer', { example: 'notFound' });
      mock.next('getCustomer', { status: 400, example: 'notUtf8', delayMs: 50 });
      mock.next('putCustomer', { status: 503, retryAfterSeconds: 5, times: 2 });
      mock.next('putCustomer', { networkError: true });
      mock.next('putCustomer', { delayMs: 2000 });
    };
    expectTypeOf(uses).toBeFunction();
  });
});

/**
 * The contract check every test's answers go through (test/helpers/contract-assertions.ts), on a copy of the spec
 * with an operation that answers 204 without content: it passes a bodiless answer the spec documents, and says why
 * when an answer's content is not what the spec documents for its status.
 */
import { describe, expect, it } from 'vitest';
import { contractAssertions, expectConformsToSpec } from '../helpers/contract-assertions.js';
import { specWithDelete } from '../helpers/spec-with-delete.js';

const { expectConformsToSpec: conformsWithDelete } = contractAssertions(specWithDelete());
const URL_WITH_ID = 'http://127.0.0.1:3000/customers?id=cust-4f9a2c';
const json = { 'content-type': 'application/json' };

describe('the contract check', () => {
  it('passes an answer without content where the spec documents none (204)', () => {
    const response = { status: 204, headers: new Headers(), body: undefined };
    expect(conformsWithDelete('DELETE', URL_WITH_ID, response)).toBe(response);
  });

  it('fails a 204 with a body, or with a Content-Type, saying the spec documents no content', () => {
    expect(() =>
      conformsWithDelete('DELETE', URL_WITH_ID, { status: 204, headers: new Headers(json), body: {} }),
    ).toThrow(/deleteCustomer documents no content for 204, yet the answer has a body/);
    expect(() =>
      conformsWithDelete('DELETE', URL_WITH_ID, { status: 204, headers: new Headers(json), body: undefined }),
    ).toThrow(/deleteCustomer documents no content for 204, yet the answer has a Content-Type/);
  });

  it('fails an answer without content where the spec documents JSON, saying so', () => {
    expect(() =>
      expectConformsToSpec('GET', URL_WITH_ID, { status: 200, headers: new Headers(), body: undefined }),
    ).toThrow(/GET .* → 200 has content: it must be JSON/);
    expect(() =>
      expectConformsToSpec('GET', URL_WITH_ID, { status: 200, headers: new Headers(json), body: undefined }),
    ).toThrow(/getCustomer documents content for it/);
  });

  it('still holds an error of the new operation to the spec, and a status it does not document', () => {
    const notFound = {
      status: 404,
      headers: new Headers({ ...json, 'cache-control': 'no-store' }),
      body: { message: 'Not Found' },
    };
    expect(conformsWithDelete('DELETE', URL_WITH_ID, notFound)).toBe(notFound);
    expect(() =>
      conformsWithDelete('DELETE', URL_WITH_ID, { status: 200, headers: new Headers(json), body: {} }),
    ).toThrow(/status 200 must be documented for deleteCustomer/);
    // the spec itself has no DELETE: there, a bodiless 204 is no answer of any operation
    expect(() =>
      expectConformsToSpec('DELETE', URL_WITH_ID, { status: 204, headers: new Headers(), body: undefined }),
    ).toThrow(/outside any operation only errors/);
  });
});

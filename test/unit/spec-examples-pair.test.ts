/**
 * Named request examples pair with the 200 examples of the same name (issue 19): example-driven tools (Specmatic,
 * Schemathesis' examples phase) send a request example and expect the response example named alike, so each name
 * must be on both sides and describe the same id.
 */
import { describe, expect, it } from 'vitest';
import { parameterExamples, requestBodyExamples, responseExamples } from '../helpers/spec-examples.js';

describe('the spec’s named examples', () => {
  it('getCustomer: every id example has a 200 example of the same name, for the same id, and back', () => {
    const requests = parameterExamples('getCustomer', 'id');
    const responses = responseExamples('getCustomer', 200);
    expect(requests.map((example) => example.name).sort()).toEqual(responses.map((example) => example.name).sort());
    for (const request of requests) {
      const response = responses.find((example) => example.name === request.name);
      expect(response?.value, request.name).toMatchObject({ id: request.value });
    }
  });

  it('putCustomer: every body example has a 200 example of the same name, for the same id, and back', () => {
    const requests = requestBodyExamples('putCustomer');
    const responses = responseExamples('putCustomer', 200);
    expect(requests.map((example) => example.name).sort()).toEqual(responses.map((example) => example.name).sort());
    for (const request of requests) {
      const response = responses.find((example) => example.name === request.name);
      expect(response?.value, request.name).toMatchObject({ customer: request.value });
    }
  });
});

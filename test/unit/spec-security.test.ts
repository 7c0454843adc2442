/**
 * Who may call is part of the contract: every operation in openapi/openapi.yaml requires the API key and documents
 * the answers to a caller without one. API Gateway ignores a root-level `security`, so each operation must say it;
 * an operation added without it fails here (and in `redocly lint`'s security-defined rule).
 */
import { describe, expect, it } from 'vitest';
import { API_KEY_HEADER as CLIENT_API_KEY_HEADER } from '../../src/client/client.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { API_KEY_HEADER, apiKeyHeaders } from '../../src/shared/api-key-scheme.js';
import { responseExamples, specOperations } from '../helpers/spec-examples.js';

interface SecuredOperation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
const document = openapiDocument as unknown as {
  security?: unknown;
  components: { securitySchemes?: Record<string, Record<string, unknown>> };
};
const operations = specOperations() as unknown as (SecuredOperation & { method: string; path: string })[];

describe('the spec’s security', () => {
  it('declares one API-key scheme, read from the x-api-key header', () => {
    expect(document.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
    });
  });

  it('names the header that has one home, src/shared/api-key-scheme.ts, where the client and infra/auth.ts read it', () => {
    expect(API_KEY_HEADER).toBe('x-api-key');
    expect(apiKeyHeaders(openapiDocument as never)).toEqual([API_KEY_HEADER]);
    expect(CLIENT_API_KEY_HEADER).toBe(API_KEY_HEADER);
  });

  it('has no root-level security, which API Gateway would ignore: each operation states its own', () => {
    expect(document.security).toBeUndefined();
  });

  it('has operations to check', () => {
    expect(operations.length).toBeGreaterThan(0);
  });

  it.each(operations.map((operation) => [`${operation.method} ${operation.path}`, operation] as const))(
    '%s requires the API key and nothing else',
    (_name, operation) => {
      expect(operation.security, `${operation.operationId} must declare security: [{apiKey: []}]`).toEqual([
        { apiKey: [] },
      ]);
    },
  );

  it.each(operations.map((operation) => [operation.operationId, operation] as const))(
    '%s documents 401 and 403 with {message} examples',
    (operationId, operation) => {
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
      const [forbidden] = responseExamples(operationId as 'getCustomer', 403);
      const [unauthorized] = responseExamples(operationId as 'getCustomer', 401);
      expect(forbidden?.value).toEqual({ message: 'Forbidden' });
      expect(unauthorized?.value).toEqual({ message: expect.any(String) });
    },
  );
});

/**
 * Every response a test sees is checked against openapi/openapi.yaml: operation responses with openapi-backend's
 * response validation, and errors made outside any operation (404, 405) against the spec's Error schema.
 */
import { Ajv } from 'ajv';
import { expect } from 'vitest';
import { Contract } from '../../src/contract.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';

const contract = new Contract(openapiDocument, { precompiled: false });
const errorSchema = (openapiDocument as { components: { schemas: Record<string, object> } }).components.schemas.Error;
const validateError = new Ajv({ strict: false }).compile(errorSchema as object);
/** Headers the API itself sets: wherever it sends one, the spec must declare it for that status. */
const API_HEADERS = ['access-control-allow-origin', 'vary', 'cache-control', 'retry-after'];

export interface ApiResponse<Body = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Body;
}

/** Asserts the response is what the spec documents for this method and path; returns it for further checks. */
export function expectConformsToSpec<Body>(
  method: string,
  url: string,
  response: ApiResponse<Body>,
): ApiResponse<Body> {
  expect(response.headers.get('content-type') ?? '', 'every response is JSON').toMatch(/^application\/json/);
  const operation = contract.match(method, new URL(url).pathname);
  if (operation?.operationId && response.status !== 405) {
    const result = contract.validator.validateResponse(response.body, operation, response.status);
    expect(result.errors ?? [], `${method} ${url} → ${response.status} must match the spec`).toEqual([]);
    const documented = Object.keys(operation.responses ?? {});
    expect(documented, `status ${response.status} must be documented for ${operation.operationId}`).toContain(
      String(response.status),
    );
    const declared = Object.keys(
      (operation.responses?.[String(response.status)] as { headers?: object } | undefined)?.headers ?? {},
    ).map((name) => name.toLowerCase());
    const sent = API_HEADERS.filter((name) => response.headers.has(name));
    expect(declared, `headers of ${method} ${url} → ${response.status} must be declared`).toEqual(
      expect.arrayContaining(sent),
    );
  } else {
    expect(response.status, 'outside any operation only errors are expected').toBeGreaterThanOrEqual(400);
    expect(validateError(response.body) ? [] : validateError.errors).toEqual([]);
  }
  return response;
}

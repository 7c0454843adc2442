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

/**
 * The path the spec knows for `url`, an address under `baseUrl`: a deployed stage (`https://…/prod`) or a custom
 * domain with a base path (`https://api.example.com/customers-v1`) serves the spec's `/customers` under its own
 * prefix. Without a base URL, the API is at the root of the URL's origin.
 */
export function specPath(url: string, baseUrl: string = new URL(url).origin): string {
  const { pathname } = new URL(url);
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  if (new URL(url).origin !== base.origin || (prefix && pathname !== prefix && !pathname.startsWith(`${prefix}/`))) {
    throw new Error(`${url} is not under the API's base URL ${baseUrl}`);
  }
  return pathname.slice(prefix.length) || '/';
}

/**
 * Asserts the response is what the spec documents for this method and path; returns it for further checks.
 * `baseUrl`: where the API is served (a stage URL, a custom domain's base path); the origin of `url` by default.
 */
export function expectConformsToSpec<Body>(
  method: string,
  url: string,
  response: ApiResponse<Body>,
  baseUrl?: string,
): ApiResponse<Body> {
  expect(response.headers.get('content-type') ?? '', 'every response is JSON').toMatch(/^application\/json/);
  const operation = contract.match(method, specPath(url, baseUrl));
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

/**
 * Every response a test sees is checked against openapi/openapi.yaml: operation responses with openapi-backend's
 * response validation, and errors made outside any operation (404, 405, the HTTP layer's refusals) against the spec's
 * Error schema. Headers are checked both ways: every header sent is declared for that status, and every declared
 * header that applies to the request is sent (CORS when the request carried an `Origin`).
 */
import { Ajv } from 'ajv';
import { expect } from 'vitest';
import { Contract } from '../../src/api/contract.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';

/**
 * Headers no spec declares, added by what carries an answer rather than by the API: HTTP framing, API Gateway and
 * CloudFront, and what Prism adds to every answer of the mock (CORS headers of its own; `sl-violations`, what it
 * found wrong in the request). `Allow` is HTTP's own on a 405.
 */
const NOT_DECLARED =
  /^(?:content-type|content-length|date|connection|keep-alive|transfer-encoding|x-amzn?-.*|via|x-cache|access-control-(?:allow-credentials|allow-headers|expose-headers)|sl-violations)$/;

/**
 * Declared headers a conforming answer may leave out: `Retry-After` on a 429 ("when it is sent"); `Vary` unless the
 * allowed origins are known (it is sent only when they are a list).
 */
function optional(name: string, status: number, request: RequestFacts): boolean {
  if (name === 'retry-after') return status === 429;
  if (name === 'vary') return request.corsAllowedOrigins === undefined;
  return false;
}

/** What the check knows of the request; all optional, for callers that knew only the URL (backwards compatible). */
export interface RequestFacts {
  /** The request's headers: an `Origin` among them makes the CORS headers due. */
  readonly headers?: ConstructorParameters<typeof Headers>[0];
  /** The target's allowed origins (`CORS_ALLOWED_ORIGINS`), when the test knows them. */
  readonly corsAllowedOrigins?: readonly string[];
}

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

type ResponseObject = { headers?: Record<string, unknown>; content?: Record<string, unknown> };

/**
 * Statuses the HTTP layer answers before any operation is chosen (the spec's table of errors lists them): held to
 * what the spec says of any error, as an answer outside any operation is.
 */
const HTTP_LAYER_STATUSES = new Set([408, 414, 417, 431]);

const declaredHeaders = (response: ResponseObject | undefined) =>
  Object.keys(response?.headers ?? {}).map((name) => name.toLowerCase());

export type ExpectConformsToSpec = <Body>(
  method: string,
  url: string,
  response: ApiResponse<Body>,
  baseUrl?: string,
  request?: RequestFacts,
) => ApiResponse<Body>;

/**
 * The check for one document (dereferenced): openapi/openapi.yaml's by default (`expectConformsToSpec` below); a test
 * of a changed copy of the spec builds its own.
 */
export function contractAssertions(document: object): { expectConformsToSpec: ExpectConformsToSpec } {
  const contract = new Contract(document as never, { precompiled: false });
  const errorSchema = (document as { components: { schemas: Record<string, object> } }).components.schemas.Error;
  const validateError = new Ajv({ strict: false }).compile(errorSchema as object);

  /**
   * What the spec declares for an error made outside any operation (an unknown path or method, a request refused by
   * the HTTP layer): the headers of the error every operation may answer, its `500`.
   */
  const anyErrorHeaders = [
    ...new Set(
      contract.router
        .getOperations()
        .flatMap((operation) => declaredHeaders(operation.responses?.['500'] as ResponseObject | undefined)),
    ),
  ];

  /**
   * Asserts the response is what the spec documents for this method and path; returns it for further checks.
   * `baseUrl`: where the API is served (a stage URL, a custom domain's base path); the origin of `url` by default.
   * `request`: what was sent, so that the headers due for it (CORS for an `Origin`) are checked as sent.
   */
  function expectConformsToSpec<Body>(
    method: string,
    url: string,
    response: ApiResponse<Body>,
    baseUrl?: string,
    request: RequestFacts = {},
  ): ApiResponse<Body> {
    const what = `${method} ${url} → ${response.status}`;
    const operation = contract.match(method, specPath(url, baseUrl));
    let declared: string[];
    if (operation?.operationId && response.status !== 405 && !HTTP_LAYER_STATUSES.has(response.status)) {
      const documented = Object.keys(operation.responses ?? {});
      expect(documented, `status ${response.status} must be documented for ${operation.operationId}`).toContain(
        String(response.status),
      );
      const documentedResponse = operation.responses?.[String(response.status)] as ResponseObject | undefined;
      if (documentedResponse?.content === undefined) {
        expectNoContent(what, operation.operationId, response);
      } else {
        expectJson(what, response);
        expect(response.body, `${what}: ${operation.operationId} documents content for it`).not.toBeUndefined();
        const result = contract.validator.validateResponse(response.body, operation, response.status);
        expect(result.errors ?? [], `${what} must match the spec`).toEqual([]);
      }
      declared = declaredHeaders(documentedResponse);
    } else {
      expect(response.status, `${what}: outside any operation only errors are expected`).toBeGreaterThanOrEqual(400);
      expectJson(what, response);
      expect(validateError(response.body) ? [] : validateError.errors).toEqual([]);
      declared = anyErrorHeaders;
    }
    const sent = [...response.headers.keys()].filter(
      (name) => !NOT_DECLARED.test(name) && !(name === 'allow' && response.status === 405),
    );
    expect(declared, `every header of ${what} must be declared`).toEqual(expect.arrayContaining(sent));
    // every header sent, those no spec must declare included: one the spec declares all the same (a 503's
    // Access-Control-Expose-Headers) must be there
    expect([...response.headers.keys()], `every declared header that applies to ${what} must be sent`).toEqual(
      expect.arrayContaining(declared.filter((name) => applies(name, response.status, request))),
    );
    return response;
  }

  return { expectConformsToSpec };
}

/** Asserts the answer is JSON, as every answer with content is. */
function expectJson(what: string, response: ApiResponse<unknown>): void {
  expect(response.headers.get('content-type') ?? '', `${what} has content: it must be JSON`).toMatch(
    /^application\/json/,
  );
}

/** Asserts the answer has no content, as the spec documents it for this status: no body, no Content-Type. */
function expectNoContent(what: string, operationId: string, response: ApiResponse<unknown>): void {
  const why = `${what}: ${operationId} documents no content for ${response.status}`;
  expect(response.body, `${why}, yet the answer has a body`).toBeUndefined();
  expect(response.headers.get('content-type'), `${why}, yet the answer has a Content-Type`).toBeNull();
}

/** The check against openapi/openapi.yaml. */
export const { expectConformsToSpec } = contractAssertions(openapiDocument);

/** Whether a declared header is due in the answer to this request. */
function applies(name: string, status: number, request: RequestFacts): boolean {
  if (optional(name, status, request)) return false;
  const origin = new Headers(request.headers).get('origin');
  const allowed = request.corsAllowedOrigins;
  if (name === 'access-control-allow-origin') {
    return origin !== null && (allowed === undefined || allowed.includes('*') || allowed.includes(origin));
  }
  if (name === 'vary') return allowed !== undefined && !allowed.includes('*');
  return true;
}

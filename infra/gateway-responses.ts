/**
 * The errors API Gateway answers itself (its gateway responses), in the API's shape: a JSON `{message}` (and on a
 * 400 `errors`, as every 400), a sensible status (an unknown route is 404, not the default 403 "Missing
 * Authentication Token"), and the headers every error of the function carries: CORS, so that a browser can read it,
 * `Cache-Control: no-store`, and `Access-Control-Expose-Headers` for a header a browser would hide from scripts.
 * Each auth mode adds the answers it changes (infra/auth.ts), and the WAF its own (infra/waf.ts).
 */
import { headersToExpose } from './exposed-headers.js';
import { isHttpMethod, type JsonObject, mapValues } from './spec-document.js';

/** A gateway response: the errors API Gateway answers itself (status code as a string, as documented). */
export interface GatewayResponse {
  readonly statusCode?: string;
  readonly responseParameters?: Record<string, string>;
  readonly responseTemplates?: Record<string, string>;
}

/**
 * The headers every error API Gateway makes itself carries, as the function's own errors do: CORS, so that a browser
 * can read it, and `Cache-Control: no-store`.
 */
export function gatewayResponseHeaders(corsAllowOrigin: string): Record<string, string> {
  return {
    'gatewayresponse.header.Access-Control-Allow-Origin': `'${corsAllowOrigin}'`,
    'gatewayresponse.header.Cache-Control': "'no-store'",
  };
}

/**
 * A gateway response answering `body` (the API's error shape) with `statusCode` and the headers every error
 * carries; `headers` adds others (`gatewayresponse.header.<name>` → a quoted static value). The body is static
 * JSON: gateway response templates are not run through VTL (no `$util`), so nothing in them could escape a value.
 */
export function gatewayErrorResponse(
  corsAllowOrigin: string,
  statusCode: string | undefined,
  body: { message: string; errors?: { location: string; message: string }[] },
  headers: Record<string, string> = {},
): GatewayResponse {
  return {
    ...(statusCode === undefined ? {} : { statusCode }),
    responseParameters: { ...gatewayResponseHeaders(corsAllowOrigin), ...headers },
    responseTemplates: { 'application/json': JSON.stringify(body) },
  };
}

/**
 * The gateway responses of the imported document: this module's, then `added` (by response type, adding or
 * replacing), each with `Access-Control-Expose-Headers` where it needs one. `paths` is the translated document's.
 */
export function importedGatewayResponses(
  corsAllowOrigin: string,
  paths: JsonObject,
  added: Readonly<Record<string, GatewayResponse>> = {},
): JsonObject {
  const responses: Record<string, GatewayResponse> = {
    ...defaultGatewayResponses(corsAllowOrigin, requiredParameters(paths)),
    ...added,
  };
  return mapValues(
    responses as JsonObject,
    (response) => withExposedHeaders(response as GatewayResponse) as JsonObject,
  );
}

/**
 * Response types no gateway response is imported for, in any mode, and why; each falls to DEFAULT_4XX/DEFAULT_5XX.
 * (Each auth mode adds the types it can answer: infra/auth.ts.)
 */
export const GATEWAY_RESPONSES_NOT_IMPORTED: Readonly<Record<string, string>> = {
  REQUEST_TOO_LARGE: 'API Gateway does not let its 413 (a body over 10 MB) be customised',
  AUTHORIZER_FAILURE: 'no mode uses a Lambda or Cognito authorizer',
  AUTHORIZER_CONFIGURATION_ERROR: 'no mode uses a Lambda or Cognito authorizer',
  INTEGRATION_FAILURE: "the function could not be invoked: DEFAULT_5XX answers with API Gateway's own short words",
};

/** API Gateway's own message, already a quoted JSON string, for the answers whose text carries nothing private. */
const AWS_MESSAGE = '{"message": $context.error.messageString}';

/**
 * The request validator's 400s in the spec's shape (`message` and `errors`, as every 400). Their words are static:
 * `$context.error.validationErrorString` is AWS's own text, documented neither as quoted nor as escaped (it holds
 * quotes, e.g. `(["id"])`), and a gateway response template cannot escape it, so it could make the body invalid JSON.
 * The Lambda, which validates the whole contract, gives the detailed `errors` for everything the gateway lets through.
 */
function invalidRequest(corsAllowOrigin: string, location: string, problem: string): GatewayResponse {
  return gatewayErrorResponse(corsAllowOrigin, '400', {
    message: `Invalid request: ${location} ${problem}`,
    errors: [{ location, message: problem }],
  });
}

/** Errors API Gateway makes itself, in the API's `{message}` shape and with sensible codes. */
function defaultGatewayResponses(
  corsAllowOrigin: string,
  required: readonly string[],
): Record<string, GatewayResponse> {
  const aws = (statusCode: string | undefined, headers: Record<string, string> = {}): GatewayResponse => ({
    ...(statusCode === undefined ? {} : { statusCode }),
    responseParameters: { ...gatewayResponseHeaders(corsAllowOrigin), ...headers },
    responseTemplates: { 'application/json': AWS_MESSAGE },
  });
  // The validator checks only that each required parameter is there and not blank: when the API has one, the
  // answer can name it (`query.id`).
  const [only] = required;
  const parameters =
    required.length === 1 && only !== undefined
      ? invalidRequest(corsAllowOrigin, only, 'is missing or empty')
      : invalidRequest(corsAllowOrigin, 'parameters', 'include one that is required and missing or empty');
  return {
    // API Gateway's default for an unknown route is a confusing 403 "Missing Authentication Token".
    MISSING_AUTHENTICATION_TOKEN: gatewayErrorResponse(corsAllowOrigin, '404', { message: 'Not Found' }),
    RESOURCE_NOT_FOUND: gatewayErrorResponse(corsAllowOrigin, '404', { message: 'Not Found' }),
    BAD_REQUEST_BODY: invalidRequest(corsAllowOrigin, 'body', "does not match the operation's request schema"),
    BAD_REQUEST_PARAMETERS: parameters,
    UNSUPPORTED_MEDIA_TYPE: aws('415'),
    // A rate or burst refused now may pass a second later.
    THROTTLED: aws('429', { 'gatewayresponse.header.Retry-After': "'1'" }),
    INTEGRATION_TIMEOUT: aws('504'),
    API_CONFIGURATION_ERROR: gatewayErrorResponse(corsAllowOrigin, '500', { message: 'Internal server error' }),
    DEFAULT_4XX: aws(undefined),
    DEFAULT_5XX: aws(undefined),
  };
}

/** Each gateway response with `Access-Control-Expose-Headers` for the headers a browser would otherwise hide. */
function withExposedHeaders(response: GatewayResponse): GatewayResponse {
  const prefix = 'gatewayresponse.header.';
  const names = Object.keys(response.responseParameters ?? {})
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
  const exposed = headersToExpose(names);
  if (exposed === undefined) return response;
  return {
    ...response,
    responseParameters: { ...response.responseParameters, [`${prefix}Access-Control-Expose-Headers`]: `'${exposed}'` },
  };
}

/** `<in>.<name>` of every parameter some operation requires (the translated paths), each once. */
function requiredParameters(paths: JsonObject): string[] {
  const found = new Set<string>();
  for (const item of Object.values(paths)) {
    for (const [method, operation] of Object.entries(item as JsonObject)) {
      if (!isHttpMethod(method)) continue;
      for (const parameter of ((operation as JsonObject).parameters ?? []) as JsonObject[]) {
        if (parameter.required === true) found.add(`${String(parameter.in)}.${String(parameter.name)}`);
      }
    }
  }
  return [...found];
}

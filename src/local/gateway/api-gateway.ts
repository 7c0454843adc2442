/**
 * The local server's API Gateway: what the deployed gateway does before the Lambda runs, applied from the definition
 * it imports (src/generated/gateway-definition.ts), in the order AWS's documentation supports:
 * 1. routing: a path no resource has, or a method the resource lacks (and no any-method), is
 *    MISSING_AUTHENTICATION_TOKEN;
 * 2. the API key, for a method whose `security` names an `apiKey` scheme with the key source `HEADER`: a missing or
 *    unknown `x-api-key` is INVALID_API_KEY;
 * 3. the method's request validator (`x-amazon-apigateway-request-validator`, else the root's): required parameters
 *    present and not empty (BAD_REQUEST_PARAMETERS), then, where the validator says so, the body against the
 *    operation's model for its Content-Type (BAD_REQUEST_BODY).
 * Each refusal is the definition's gateway response, rendered (gateway-responses.ts). What passes goes on to the
 * Lambda's handler, which checks the whole contract again. `npm start`, `npm run mock:stateful` and the contract
 * suite's local targets all run behind this layer, and a test compares the definition it reads with the synthesized
 * template's `Body`, so local answers what deployed answers. (SAM's local API ignores request validators,
 * aws-sam-cli #516: this layer is why ours cannot drift.)
 *
 * Where AWS leaves the order or the wording undocumented, this layer chose:
 * - a *missing* key and an *unknown* one are both INVALID_API_KEY (AWS documents the type for an invalid key; both
 *   answer `403 Forbidden` by default);
 * - parameters are validated before the body, when both are wrong; a body whose media type has no model is not
 *   validated; the body validator counts string lengths in code points (ajv), the gateway's in UTF-16 code units;
 * - `$context.error.message` for a missing parameter is AWS's observed `Missing required request parameters: [id]`.
 * None of these changes an answer the shipped definition gives: its templates are static, bodies are not validated.
 * Not emulated: throttling and quotas (429), the WAF, IAM signatures (`auth=iam`), the 10 MB limit; the local server
 * answers as `-c auth=apiKey`, the default.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Ajv } from 'ajv';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { fixedCorsOrigin } from '../../api/cors.js';
import { API_KEY_HEADER } from '../../shared/api-key-scheme.js';
import { type GatewayErrorContext, type LocalResponseType, renderGatewayResponse } from './gateway-responses.js';
import { type GatewayDefinition, type GatewayRoute, type RequestValidator, routeOf } from './imported-definition.js';

export interface ApiGatewayOptions {
  readonly definition: GatewayDefinition;
  /** The keys the stage's usage plan would know (`API_KEYS`); at least one when a method requires a key. */
  readonly apiKeys: readonly string[];
  /**
   * The allowed origins (`CORS_ALLOWED_ORIGINS`). A gateway response carries the one static
   * Access-Control-Allow-Origin the stack would import for them (`fixedCorsOrigin`), whatever the request's Origin,
   * as API Gateway's do. @default ['*']
   */
  readonly corsAllowedOrigins?: readonly string[];
}

/** A request as the gateway sees it before reading its body: lower-case header names, one value each. */
export interface GatewayRequest {
  readonly method: string;
  /** The path alone, as sent (no query). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly requestId: string;
}

export interface ApiGateway {
  /** Routing and the API key, before the body is read: the route, or a thrown GatewayResponseError. */
  admit(request: GatewayRequest): GatewayRoute;
  /** Routing alone: the route, or a thrown GatewayResponseError (MISSING_AUTHENTICATION_TOKEN). */
  route(request: GatewayRequest): GatewayRoute;
  /** The API key a route's method requires: returns, or throws a GatewayResponseError (INVALID_API_KEY). */
  authorize(route: GatewayRoute, request: GatewayRequest): void;
  /** The route's request validator on the whole request: returns, or throws a GatewayResponseError. */
  validate(route: GatewayRoute, event: APIGatewayProxyEvent): void;
}

export function createApiGateway({ definition, apiKeys, corsAllowedOrigins = ['*'] }: ApiGatewayOptions): ApiGateway {
  const isKnownKey = keyMatcher(apiKeys);
  const keyHeaders = apiKeyHeaders(definition);
  let ajv: Ajv | undefined;

  // The definition's static Access-Control-Allow-Origin is what the generated definition was built with; a stack
  // deployed with this server's origins imports fixedCorsOrigin of them, and API Gateway sends that value as it is,
  // whatever the request's Origin (the finishing step leaves an answer's own Access-Control-Allow-Origin alone).
  const allowOrigin = fixedCorsOrigin(corsAllowedOrigins);
  const refuse = (type: LocalResponseType, context: GatewayErrorContext, reason: string) =>
    renderGatewayResponse(definition, type, context, reason, {
      headerValues: { 'Access-Control-Allow-Origin': allowOrigin },
    });

  return {
    admit(request) {
      const route = this.route(request);
      this.authorize(route, request);
      return route;
    },

    route(request) {
      const route = routeOf(definition, request.method, request.path);
      if (route !== undefined) return route;
      const context = { requestId: request.requestId, headers: request.headers };
      throw refuse('MISSING_AUTHENTICATION_TOKEN', context, 'no such resource or method');
    },

    authorize(route, request) {
      const context = { requestId: request.requestId, headers: request.headers };
      for (const requirement of route.operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) {
          const header = keyHeaders.get(scheme);
          if (header === undefined) continue;
          const key = request.headers[header];
          if (key === undefined) throw refuse('INVALID_API_KEY', context, 'no API key');
          if (!isKnownKey(key)) throw refuse('INVALID_API_KEY', context, 'unknown API key');
        }
      }
    },

    validate(route, event) {
      const validator = validatorOf(definition, route);
      const headers = lowerCase(event.headers);
      const context = { requestId: event.requestContext.requestId, headers };
      if (validator.validateRequestParameters) {
        const missing = (route.operation.parameters ?? [])
          .filter((parameter) => parameter.required === true)
          .filter((parameter) => {
            const value =
              parameter.in === 'query'
                ? event.queryStringParameters?.[parameter.name]
                : parameter.in === 'header'
                  ? headers[parameter.name.toLowerCase()]
                  : route.pathParameters[parameter.name];
            return value === undefined || value === '';
          })
          .map((parameter) => parameter.name);
        if (missing.length > 0) {
          const message = `Missing required request parameters: [${missing.join(', ')}]`;
          throw refuse('BAD_REQUEST_PARAMETERS', { ...context, message, validationErrorString: message }, message);
        }
      }
      const body = route.operation.requestBody;
      if (validator.validateRequestBody && body !== undefined) {
        const [mediaType = ''] = (headers['content-type'] ?? 'application/json').split(';');
        const model = body.content[mediaType.trim().toLowerCase()]?.schema;
        // No model for the media type: API Gateway's validator has nothing to check it against.
        if (model === undefined) return;
        const text =
          event.body === null
            ? ''
            : event.isBase64Encoded
              ? Buffer.from(event.body, 'base64').toString('utf8')
              : event.body;
        let value: unknown;
        try {
          value = text === '' ? undefined : JSON.parse(text);
        } catch {
          throw refuse('BAD_REQUEST_BODY', { ...context, validationErrorString: 'Invalid JSON' }, 'body is not JSON');
        }
        if (value === undefined && body.required !== true) return;
        ajv ??= new Ajv({ strict: false, allErrors: true });
        // compiled once per model: ajv keeps what it compiled, keyed by the schema object
        const validate = ajv.compile(model);
        if (!validate(value)) {
          const found = `[${(validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`).join(', ')}]`;
          throw refuse(
            'BAD_REQUEST_BODY',
            { ...context, validationErrorString: found },
            `body refused by the model: ${found}`,
          );
        }
      }
    },
  };
}

/** The validator a route's method names, else the root's; none: nothing is validated. */
function validatorOf(definition: GatewayDefinition, route: GatewayRoute): RequestValidator {
  const name =
    route.operation['x-amazon-apigateway-request-validator'] ?? definition['x-amazon-apigateway-request-validator'];
  return (name === undefined ? undefined : definition['x-amazon-apigateway-request-validators']?.[name]) ?? {};
}

/**
 * The header each `apiKey` scheme's key is read from. API Gateway reads keys from `x-api-key` when the key source is
 * HEADER (its default); with AUTHORIZER the key comes from an authorizer, which this API does not have.
 */
function apiKeyHeaders(definition: GatewayDefinition): Map<string, string> {
  const headers = new Map<string, string>();
  if ((definition['x-amazon-apigateway-api-key-source'] ?? 'HEADER') !== 'HEADER') return headers;
  for (const [name, scheme] of Object.entries(definition.components?.securitySchemes ?? {})) {
    if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name?.toLowerCase() === API_KEY_HEADER) {
      headers.set(name, API_KEY_HEADER);
    }
  }
  return headers;
}

/**
 * Compares digests of equal length in constant time, so the time an answer takes does not tell how much of a
 * guessed key was right.
 */
function keyMatcher(keys: readonly string[]): (candidate: string) => boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const known = keys.map(digest);
  return (candidate) => {
    const candidateDigest = digest(candidate);
    let found = false;
    for (const key of known) found = timingSafeEqual(key, candidateDigest) || found;
    return found;
  };
}

function lowerCase(headers: APIGatewayProxyEvent['headers'] | null): Record<string, string> {
  const lower: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) lower[name.toLowerCase()] = value;
  return lower;
}

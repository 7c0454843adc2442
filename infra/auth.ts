/**
 * Who may call the deployed API, chosen by CDK context `-c auth=apiKey|iam|none` (default `apiKey`), translated from
 * the spec's own `security` so that the published spec, the docs and the gateway never disagree:
 * - `apiKey`: API Gateway requires the `x-api-key` the spec declares before any Lambda runs; a usage plan on the
 *   stage gives every key its own throttle and monthly quota; the stack creates a first key.
 * - `iam`: every operation that has security in the spec is AWS_IAM (SigV4); two managed policies grant read
 *   (GET) and write (PUT) separately; an unsigned request is answered 401, not disguised as a 404.
 * - `none`: no security on any operation (the original open API).
 * The CORS preflight and the 405s (the path's any-method) never need credentials.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { API_KEY_HEADER } from '../src/shared/api-key-scheme.js';
import type { GatewayDefinitionOptions } from './api-definition.js';
import { isSecured, SIGV4_SCHEME, specForAuthMode } from './auth-spec.js';
import { type GatewayResponse, gatewayErrorResponse } from './gateway-responses.js';
import type { AuthMode, CustomersApiSettings } from './settings.js';
import { executeApiPath, type JsonObject, operationsOf } from './spec-document.js';

export class UnsupportedSecurityError extends Error {
  override readonly name = 'UnsupportedSecurityError';
}

/**
 * What the spec-to-gateway translation adds for `mode`: each operation's `security` as the document published for
 * that mode has it (infra/auth-spec.ts), the schemes at the root as API Gateway understands them, and the gateway
 * responses the mode changes. Fails on a scheme API Gateway cannot check (an API key anywhere but `x-api-key`).
 */
export function authDefinitionExtensions(
  mode: AuthMode,
  spec: object,
  corsAllowOrigin: string,
): Omit<GatewayDefinitionOptions, 'integrationUri' | 'corsAllowOrigin'> {
  const schemes = ((spec as { components?: { securitySchemes?: Record<string, JsonObject> } }).components
    ?.securitySchemes ?? {}) as Record<string, JsonObject>;
  for (const [name, scheme] of Object.entries(schemes)) {
    if (scheme.type !== 'apiKey' || scheme.in !== 'header' || String(scheme.name).toLowerCase() !== API_KEY_HEADER) {
      throw new UnsupportedSecurityError(
        `security scheme ${name}: API Gateway reads API keys from the x-api-key header only (infra/auth.ts)`,
      );
    }
  }
  const published = specForAuthMode(spec, mode) as { paths: Record<string, Record<string, JsonObject>> };
  const common = {
    fieldsTranslatedElsewhere: ['security', 'securitySchemes'] as const,
    operationExtensions: ({ path, method }: { path: string; method: string }): JsonObject => {
      const operation = published.paths[path]?.[method] ?? {};
      return isSecured(operation) ? { security: operation.security ?? [] } : {};
    },
  };
  // `none` checks no credentials: it imports no 401 or 403 answer (nor any text about them).
  if (mode === 'none') return common;
  if (mode === 'apiKey') {
    return {
      ...common,
      gatewayResponses: apiKeyResponses(corsAllowOrigin),
      rootExtensions: {
        'x-amazon-apigateway-api-key-source': 'HEADER',
        components: {
          securitySchemes: Object.fromEntries(
            Object.keys(schemes).map((name) => [name, { type: 'apiKey', name: API_KEY_HEADER, in: 'header' }]),
          ),
        },
      },
    };
  }
  return {
    ...common,
    rootExtensions: {
      components: {
        securitySchemes: {
          [SIGV4_SCHEME]: {
            type: 'apiKey',
            name: 'Authorization',
            in: 'header',
            'x-amazon-apigateway-authtype': 'awsSigv4',
          },
        },
      },
    },
    gatewayResponses: iamResponses(corsAllowOrigin),
  };
}

/** The spec's words for a refused caller (components.responses.Forbidden), never AWS's text. */
const FORBIDDEN = { message: 'Forbidden' };

/**
 * `apiKey`: a missing or unknown key is 403 `Forbidden` (INVALID_API_KEY, whose AWS text is the same, made explicit so
 * that it never depends on a default); a key past its monthly quota 429, with no Retry-After (a quota does not come
 * back in seconds). Only this mode has usage plans, so only it answers QUOTA_EXCEEDED.
 */
function apiKeyResponses(corsAllowOrigin: string): Record<string, GatewayResponse> {
  return {
    INVALID_API_KEY: gatewayErrorResponse(corsAllowOrigin, '403', FORBIDDEN),
    QUOTA_EXCEEDED: gatewayErrorResponse(corsAllowOrigin, '429', { message: 'Too Many Requests' }),
  };
}

/**
 * `iam`: every way a SigV4 check can fail, in the spec's words (components.responses.Unauthorized and Forbidden).
 * API Gateway's own texts name the caller's ARN, the expected canonical request or the signature: never in a body.
 * No credentials at all is 401 with the scheme to use; credentials that do not verify, or a caller not allowed, 403.
 */
function iamResponses(corsAllowOrigin: string): Record<string, GatewayResponse> {
  const forbidden = gatewayErrorResponse(corsAllowOrigin, '403', FORBIDDEN);
  return {
    MISSING_AUTHENTICATION_TOKEN: unsignedResponse(corsAllowOrigin),
    // Documented for authorizers (none here); mapped so that a 401 can never carry AWS's words.
    UNAUTHORIZED: unsignedResponse(corsAllowOrigin),
    ACCESS_DENIED: forbidden,
    INVALID_SIGNATURE: forbidden,
    EXPIRED_TOKEN: forbidden,
    // API Gateway has no INCOMPLETE_SIGNATURE type (importing one fails under FailOnWarnings): an Authorization header
    // that is not a complete SigV4 signature is a 403 of no documented type, so it falls to DEFAULT_4XX, whose AWS text
    // describes the header AWS expected. Here DEFAULT_4XX keeps each type's own status (no statusCode: setting one
    // would change every unmapped 4xx) and answers in the spec's words. Every other 4xx type this mode can meet is
    // mapped above or in gateway-responses.ts, except REQUEST_TOO_LARGE, which API Gateway does not let be
    // customised.
    DEFAULT_4XX: gatewayErrorResponse(corsAllowOrigin, undefined, FORBIDDEN),
  };
}

/**
 * With AWS_IAM methods, API Gateway answers an unsigned request with MISSING_AUTHENTICATION_TOKEN, the response type
 * it also uses for a path it does not have: a 401 that says so, with the scheme to use, rather than a 404 that hides
 * an authentication failure.
 */
function unsignedResponse(corsAllowOrigin: string, message = 'Missing Authentication Token'): GatewayResponse {
  return gatewayErrorResponse(
    corsAllowOrigin,
    '401',
    { message },
    { 'gatewayresponse.header.WWW-Authenticate': "'AWS4-HMAC-SHA256'" },
  );
}

const READ_METHODS = new Set(['get', 'head']);

/** What a mode adds beside the API: the usage plan and first key, or the read and write policies. */
export interface AuthResources {
  readonly usagePlan?: apigateway.UsagePlan;
  readonly firstApiKey?: apigateway.ApiKey;
  /**
   * The release pipeline's own key (the post-traffic check and the deploy workflow's contract suite), apart from the
   * clients' keys: disabling or deleting a client's key, or `createApiKey=false`, leaves releases working.
   */
  readonly releaseApiKey?: apigateway.ApiKey;
  readonly readPolicy?: iam.ManagedPolicy;
  readonly writePolicy?: iam.ManagedPolicy;
}

/** Adds what `settings.auth` needs beside the API; `spec` is the document the API was imported from. */
export function addAuthResources(
  scope: Construct,
  api: apigateway.IRestApi,
  stage: apigateway.Stage,
  settings: CustomersApiSettings,
  spec: object,
): AuthResources {
  if (settings.auth === 'apiKey') {
    const usagePlan = new apigateway.UsagePlan(scope, 'UsagePlan', {
      name: `${settings.restApiName}-clients`,
      description: 'customers-api: each key gets this throttle and monthly quota',
      throttle: { rateLimit: settings.apiKeyRateLimit, burstLimit: settings.apiKeyBurstLimit },
      quota: { limit: settings.apiKeyQuotaPerMonth, period: apigateway.Period.MONTH },
      apiStages: [{ api, stage }],
    });
    const releaseApiKey = (): apigateway.ApiKey => {
      const key = new apigateway.ApiKey(scope, 'ReleaseApiKey', {
        description:
          "customers-api: the release pipeline's key (post-traffic check, the deploy workflow's contract suite); not a client's",
        enabled: true,
      });
      usagePlan.addApiKey(key);
      return key;
    };
    if (!settings.createApiKey) return { usagePlan, releaseApiKey: releaseApiKey() };
    const firstApiKey = new apigateway.ApiKey(scope, 'FirstApiKey', {
      description: 'customers-api: the first client key (API Gateway generates its value)',
      enabled: true,
    });
    usagePlan.addApiKey(firstApiKey);
    return { usagePlan, firstApiKey, releaseApiKey: releaseApiKey() };
  }
  if (settings.auth === 'iam') {
    // Every secured operation of the spec, reads (GET, HEAD) apart from writes.
    const secured = operationsOf(spec).filter(({ operation }) => isSecured(operation));
    const invoke = (operations: typeof secured) =>
      new iam.PolicyStatement({
        actions: ['execute-api:Invoke'],
        resources: operations.map(({ method, path }) =>
          api.arnForExecuteApi(method.toUpperCase(), executeApiPath(path), stage.stageName),
        ),
      });
    const reads = secured.filter(({ method }) => READ_METHODS.has(method));
    const writes = secured.filter(({ method }) => !READ_METHODS.has(method));
    const described = (operations: typeof secured) =>
      operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).join(', ');
    return {
      readPolicy: new iam.ManagedPolicy(scope, 'ReadPolicy', {
        description: `customers-api: read (${described(reads)})`,
        statements: [invoke(reads)],
      }),
      writePolicy: new iam.ManagedPolicy(scope, 'WritePolicy', {
        description: `customers-api: write (${described(writes)})`,
        statements: [invoke(writes)],
      }),
    };
  }
  return {};
}

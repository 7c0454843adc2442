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
import { CfnOutput } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, Node } from 'constructs';
import {
  type GatewayDefinitionOptions,
  type GatewayResponse,
  gatewayResponseHeaders,
  type JsonObject,
  type OperationRef,
} from './api-definition.js';
import type { CustomersApi } from './customers-api.js';

export const AUTH_MODES = ['apiKey', 'iam', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface AuthSettings {
  /** `auth`: apiKey, iam or none. */
  readonly mode: AuthMode;
  /** Steady requests per second allowed to each API key (`apiKeyRateLimit`). */
  readonly apiKeyRateLimit: number;
  /** Burst allowed to each API key (`apiKeyBurstLimit`). */
  readonly apiKeyBurstLimit: number;
  /** Requests each API key may make per calendar month (`apiKeyQuotaPerMonth`). */
  readonly apiKeyQuotaPerMonth: number;
  /** Create a first API key in the usage plan (`createApiKey`). */
  readonly createApiKey: boolean;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  mode: 'apiKey',
  apiKeyRateLimit: 10,
  apiKeyBurstLimit: 20,
  apiKeyQuotaPerMonth: 1_000_000,
  createApiKey: true,
};

/** Context key of each setting (`-c key=value`). */
export const AUTH_CONTEXT_KEYS = {
  mode: 'auth',
  apiKeyRateLimit: 'apiKeyRateLimit',
  apiKeyBurstLimit: 'apiKeyBurstLimit',
  apiKeyQuotaPerMonth: 'apiKeyQuotaPerMonth',
  createApiKey: 'createApiKey',
} as const satisfies Record<keyof AuthSettings, string>;

/** The spec's API-key scheme and the header API Gateway reads it from (its only header, `x-api-key`). */
const API_KEY_HEADER = 'x-api-key';
const SIGV4_SCHEME = 'sigv4';

export class AuthSettingsError extends Error {
  override readonly name = 'AuthSettingsError';
}

export function authSettingsFromContext(node: Node): AuthSettings {
  const read = (key: string): unknown => {
    const value = node.tryGetContext(key);
    return value === '' ? undefined : value;
  };
  const mode = read(AUTH_CONTEXT_KEYS.mode) ?? DEFAULT_AUTH_SETTINGS.mode;
  if (!(AUTH_MODES as readonly unknown[]).includes(mode)) {
    throw new AuthSettingsError(`context auth must be one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  const whole = (key: keyof AuthSettings & string): number => {
    const value = read(AUTH_CONTEXT_KEYS[key]);
    if (value === undefined) return DEFAULT_AUTH_SETTINGS[key] as number;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) {
      throw new AuthSettingsError(
        `context ${AUTH_CONTEXT_KEYS[key]} must be a whole number ≥ 1, got ${JSON.stringify(value)}`,
      );
    }
    return number;
  };
  const createApiKey = read(AUTH_CONTEXT_KEYS.createApiKey) ?? DEFAULT_AUTH_SETTINGS.createApiKey;
  if (createApiKey !== true && createApiKey !== false && createApiKey !== 'true' && createApiKey !== 'false') {
    throw new AuthSettingsError(`context createApiKey must be true or false, got ${JSON.stringify(createApiKey)}`);
  }
  const settings: AuthSettings = {
    mode: mode as AuthMode,
    apiKeyRateLimit: whole('apiKeyRateLimit'),
    apiKeyBurstLimit: whole('apiKeyBurstLimit'),
    apiKeyQuotaPerMonth: whole('apiKeyQuotaPerMonth'),
    createApiKey: createApiKey === true || createApiKey === 'true',
  };
  if (settings.apiKeyBurstLimit < settings.apiKeyRateLimit) {
    throw new AuthSettingsError('context apiKeyBurstLimit must be at least apiKeyRateLimit');
  }
  return settings;
}

type Requirement = Record<string, unknown>;

/**
 * What the spec-to-gateway translation adds for `mode`: each operation's `security` as API Gateway understands it,
 * the schemes at the root, and the gateway responses the mode changes. Fails on a security requirement the mode
 * cannot express (a scheme other than the `x-api-key` header).
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
      throw new AuthSettingsError(
        `security scheme ${name}: API Gateway reads API keys from the x-api-key header only (infra/auth.ts)`,
      );
    }
  }
  const secured = (operation: OperationRef): Requirement[] =>
    ((operation.source.security as Requirement[] | undefined) ?? []).filter((r) => Object.keys(r).length > 0);
  const common = { fieldsTranslatedElsewhere: ['security', 'securitySchemes'] as const };
  if (mode === 'none') return { ...common, operationExtensions: () => ({}) };
  if (mode === 'apiKey') {
    return {
      ...common,
      operationExtensions: (operation): JsonObject => {
        const requirements = secured(operation);
        return requirements.length > 0 ? { security: requirements as unknown as JsonObject[] } : {};
      },
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
    operationExtensions: (operation): JsonObject =>
      secured(operation).length > 0 ? { security: [{ [SIGV4_SCHEME]: [] }] } : {},
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
    gatewayResponses: { MISSING_AUTHENTICATION_TOKEN: unsignedResponse(corsAllowOrigin) },
  };
}

/**
 * With AWS_IAM methods, API Gateway answers an unsigned request with MISSING_AUTHENTICATION_TOKEN, the response type
 * it also uses for a path it does not have: a 401 that says so, with the scheme to use, rather than a 404 that hides
 * an authentication failure.
 */
function unsignedResponse(corsAllowOrigin: string): GatewayResponse {
  return {
    statusCode: '401',
    responseParameters: {
      ...gatewayResponseHeaders(corsAllowOrigin),
      'gatewayresponse.header.WWW-Authenticate': "'AWS4-HMAC-SHA256'",
    },
    responseTemplates: { 'application/json': '{"message": "Missing Authentication Token"}' },
  };
}

/** The resources a mode needs beside the API: the usage plan and first key, or the read and write policies. */
export function addAuthResources(scope: Construct, customersApi: CustomersApi, settings: AuthSettings): void {
  const { api, stage } = customersApi;
  new CfnOutput(scope, 'AuthMode', { value: settings.mode, description: 'Who may call: -c auth=apiKey|iam|none' });
  if (settings.mode === 'apiKey') {
    const plan = api.addUsagePlan('UsagePlan', {
      name: `${customersApi.settings.restApiName}-clients`,
      description: 'customers-api: each key gets this throttle and monthly quota',
      throttle: { rateLimit: settings.apiKeyRateLimit, burstLimit: settings.apiKeyBurstLimit },
      quota: { limit: settings.apiKeyQuotaPerMonth, period: apigateway.Period.MONTH },
      apiStages: [{ api, stage }],
    });
    new CfnOutput(scope, 'UsagePlanId', {
      value: plan.usagePlanId,
      description:
        'Add a client: aws apigateway create-usage-plan-key --usage-plan-id <this> --key-type API_KEY --key-id <id>',
    });
    if (settings.createApiKey) {
      const key = new apigateway.ApiKey(scope, 'FirstApiKey', {
        description: 'customers-api: the first client key (CloudFormation generates its value)',
        enabled: true,
      });
      plan.addApiKey(key);
      new CfnOutput(scope, 'ApiKeyId', {
        value: key.keyId,
        description:
          'Read the key: aws apigateway get-api-key --include-value --query value --output text --api-key <this>',
      });
    }
    return;
  }
  if (settings.mode === 'iam') {
    const invoke = (method: string) =>
      new iam.PolicyStatement({
        actions: ['execute-api:Invoke'],
        resources: [api.arnForExecuteApi(method, '/customers', stage.stageName)],
      });
    const read = new iam.ManagedPolicy(scope, 'ReadPolicy', {
      description: 'customers-api: GET /customers (tell whether an id exists)',
      statements: [invoke('GET')],
    });
    const write = new iam.ManagedPolicy(scope, 'WritePolicy', {
      description: 'customers-api: PUT /customers (add an id)',
      statements: [invoke('PUT')],
    });
    new CfnOutput(scope, 'ReadPolicyArn', { value: read.managedPolicyArn, description: 'Attach to callers that read' });
    new CfnOutput(scope, 'WritePolicyArn', {
      value: write.managedPolicyArn,
      description: 'Attach to callers that write',
    });
  }
}

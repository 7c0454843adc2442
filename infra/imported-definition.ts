/**
 * The one OpenAPI body API Gateway imports for a set of settings: the spec as the mode's callers read it
 * (auth-spec.ts), translated (api-definition.ts), with what the auth mode and the WAF add. The construct hands it to
 * SpecRestApi; `npm run generate` writes it for the default settings to src/generated/gateway-definition.ts, where the
 * local server's gateway layer (src/local/gateway/) reads it, so local answers what the deployed gateway would.
 */
import { openapiDocument } from '../src/generated/openapi-document.js';
import { type GatewayDefinitionOptions, toGatewayDefinition } from './api-definition.js';
import { authDefinitionExtensions } from './auth.js';
import { specForAuthMode } from './auth-spec.js';
import { type CustomersApiSettings, fixedCorsOrigin } from './settings.js';
import type { JsonObject } from './spec-document.js';
import { wafGatewayResponses } from './waf.js';

export interface ImportedDefinitionOptions {
  readonly settings: CustomersApiSettings;
  /** The Lambda integration URI (the live alias's `…/invocations`). */
  readonly integrationUri: string;
  /** The OpenAPI document, dereferenced. @default the generated openapi/openapi.yaml */
  readonly spec?: object;
  /** Added beside what the auth mode and the WAF add. @default nothing more */
  readonly extensions?: Omit<GatewayDefinitionOptions, 'integrationUri' | 'corsAllowOrigin'>;
}

export function importedDefinition({
  settings,
  integrationUri,
  spec = openapiDocument,
  extensions,
}: ImportedDefinitionOptions): JsonObject {
  const corsAllowOrigin = fixedCorsOrigin(settings);
  const auth = authDefinitionExtensions(settings.auth, spec, corsAllowOrigin);
  // The document as this mode's callers read it (infra/auth-spec.ts): `none` imports no 401/403 answer.
  return toGatewayDefinition(specForAuthMode(spec, settings.auth), {
    ...auth,
    ...extensions,
    gatewayResponses: {
      ...auth.gatewayResponses,
      ...(settings.waf ? wafGatewayResponses(corsAllowOrigin) : {}),
      ...extensions?.gatewayResponses,
    },
    integrationUri,
    corsAllowOrigin,
  });
}

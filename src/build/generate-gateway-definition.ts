/**
 * Renders src/generated/gateway-definition.ts (src/build/generate.ts writes it): the OpenAPI body the CDK app imports into API Gateway for its default
 * settings (infra/imported-definition.ts, the same function the construct calls), with a placeholder for the
 * integration URI. The local server's gateway layer (src/local/gateway/) reads it, so `npm start` and the contract
 * suite meet the validators, the API-key check and the gateway responses the deployed stage has, from the one
 * definition. A test compares it with the synthesized template's `Body`.
 */
import { importedDefinition } from '../../infra/imported-definition.js';
import { withDefaults } from '../../infra/settings.js';
import { LOCAL_INTEGRATION_URI } from '../local/gateway/imported-definition.js';

/** The module's text for the definition of the default settings, for the dereferenced `spec`. */
export function renderGatewayDefinition(spec: object): string {
  const definition = importedDefinition({ settings: withDefaults({}), integrationUri: LOCAL_INTEGRATION_URI, spec });
  return [
    '// Generated from openapi/openapi.yaml by src/build/generate-gateway-definition.ts (`npm run generate`). Do not edit.',
    "// What API Gateway imports for the CDK app's default settings (infra/imported-definition.ts).",
    "import type { GatewayDefinition } from '../local/gateway/imported-definition.js';",
    '',
    `export const gatewayDefinition = JSON.parse(${JSON.stringify(JSON.stringify(definition))}) as GatewayDefinition;`,
    '',
  ].join('\n');
}

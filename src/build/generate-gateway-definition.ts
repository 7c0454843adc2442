/**
 * Writes src/generated/gateway-definition.ts: the OpenAPI body the CDK app imports into API Gateway for its default
 * settings (infra/imported-definition.ts, the same function the construct calls), with a placeholder for the
 * integration URI. The local server's gateway layer (src/local/gateway/) reads it, so `npm start` and the contract
 * suite meet the validators, the API-key check and the gateway responses the deployed stage has, from the one
 * definition. A test compares it with the synthesized template's `Body`.
 *
 *   tsx src/build/generate-gateway-definition.ts          write the file
 *   tsx src/build/generate-gateway-definition.ts --check  fail when it is stale
 */
import { fileURLToPath } from 'node:url';
import { importedDefinition } from '../../infra/imported-definition.js';
import { withDefaults } from '../../infra/settings.js';
import { LOCAL_INTEGRATION_URI } from '../local/gateway/imported-definition.js';
import { writeOrCheck } from './generated-files.js';

const output = fileURLToPath(new URL('../generated/gateway-definition.ts', import.meta.url));

/** The module's text for the definition of the default settings. */
export function renderGatewayDefinition(): string {
  const definition = importedDefinition({ settings: withDefaults({}), integrationUri: LOCAL_INTEGRATION_URI });
  return [
    '// Generated from openapi/openapi.yaml by src/build/generate-gateway-definition.ts (`npm run generate`). Do not edit.',
    "// What API Gateway imports for the CDK app's default settings (infra/imported-definition.ts).",
    "import type { GatewayDefinition } from '../local/gateway/imported-definition.js';",
    '',
    `export const gatewayDefinition = JSON.parse(${JSON.stringify(JSON.stringify(definition))}) as GatewayDefinition;`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeOrCheck({ [output]: renderGatewayDefinition() });
}

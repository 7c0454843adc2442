/** `npm start`: serves the API on http://localhost:3000 (PORT) backed by the embedded DynamoDB. */
import { DEFAULT_LOCAL_API_KEY, IN_MEMORY, readLocalServerConfig } from '../config.js';
import { createLogger, describeError } from '../logger.js';
import { startLocalServer } from './server.js';
import { stopOnSignals } from './shutdown.js';
import { startupFailureMessage } from './startup-errors.js';

async function main(): Promise<void> {
  const config = readLocalServerConfig();
  const logger = createLogger(config.logLevel);
  const server = await startLocalServer({ config, logger });
  const data = config.dataDir === IN_MEMORY ? 'in memory' : `data in ${config.dataDir}`;
  const storage = config.externalDynamoDbEndpoint
    ? `DynamoDB at ${config.externalDynamoDbEndpoint} (AWS_ENDPOINT_URL_DYNAMODB)`
    : `embedded DynamoDB (dynalite, process ${server.emulatorPid}), ${data}`;
  // The default key is public and printed; keys set in API_KEYS are the owner's secrets and never printed.
  const usesDefaultKey = config.apiKeys.length === 1 && config.apiKeys[0] === DEFAULT_LOCAL_API_KEY;
  const keyLine = usesDefaultKey
    ? `API key ${DEFAULT_LOCAL_API_KEY} (the default; set API_KEYS to choose your own)`
    : `API keys from API_KEYS (${config.apiKeys.length}, not printed): export API_KEY=<one of them> for the examples`;
  const keyHeader = `x-api-key: ${usesDefaultKey ? DEFAULT_LOCAL_API_KEY : '\'"$API_KEY"\''}`;
  process.stdout.write(
    [
      '',
      `customers-api listening on ${server.url}`,
      `  table ${config.tableName} on ${storage}`,
      `  ${keyLine}`,
      '',
      'Try:',
      `  curl -X PUT ${server.url}/customers -H '${keyHeader}' -H 'Content-Type: application/json' -d '{"id": "cust-4f9a2c"}'`,
      `  curl '${server.url}/customers?id=cust-4f9a2c' -H '${keyHeader}'`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  stopOnSignals(
    () => server.close(),
    (error) => logger.error('failed to stop cleanly', { error: describeError(error) }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailureMessage(error)}\n`);
  process.exit(1);
});

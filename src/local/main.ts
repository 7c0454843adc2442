/** `npm start`: serves the API on http://localhost:3000 (PORT) backed by the embedded DynamoDB. */

import { createLogger, describeError } from '../api/logger.js';
import { IN_MEMORY, readLocalServerConfig } from '../shared/config.js';
import { apiKeyHint, tryItLines } from './api-key-hint.js';
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
  const keys = apiKeyHint(config.apiKeys);
  process.stdout.write(
    [
      '',
      `customers-api listening on ${server.url}`,
      `  table ${config.tableName} on ${storage}`,
      `  ${keys.line}`,
      '',
      'Try:',
      ...tryItLines(server.url, keys),
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

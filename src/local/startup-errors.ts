/**
 * Why `npm start` could not start, in words a user can act on: each message names the setting to change and how.
 * The composing code (src/local/server.ts) passes each step's failure through the function for that step; main.ts
 * prints the message, never a stack trace.
 */

import { isUnavailable } from '../api/customer-store.js';
import { ConfigError, type LocalServerConfig } from '../shared/config.js';
import { EmulatorStartError } from './embedded-dynamodb.js';

/** A start-up failure whose message says which setting to change and how. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** The embedded DynamoDB did not start (DATA_DIR). */
export function emulatorFailure(error: unknown, config: Pick<LocalServerConfig, 'dataDir'>): unknown {
  if (!(error instanceof EmulatorStartError)) return error;
  if (error.reason === 'data-folder-in-use') {
    return new StartupError(
      `the data folder ${config.dataDir} (DATA_DIR) is in use by another server, most likely another \`npm start\`: ` +
        'stop that server, or set DATA_DIR to another folder (or to :memory: to keep nothing)',
    );
  }
  return new StartupError(`the embedded DynamoDB could not start with DATA_DIR=${config.dataDir}: ${error.message}`);
}

/** Creating the table on the configured endpoint failed (AWS_ENDPOINT_URL_DYNAMODB). */
export function tableFailure(
  error: unknown,
  config: Pick<LocalServerConfig, 'externalDynamoDbEndpoint' | 'tableName'>,
): unknown {
  const endpoint = config.externalDynamoDbEndpoint;
  if (!endpoint || !(error instanceof Error)) return error;
  const where = `the DynamoDB at ${endpoint} (AWS_ENDPOINT_URL_DYNAMODB)`;
  const instead = 'or unset AWS_ENDPOINT_URL_DYNAMODB to use the embedded DynamoDB';
  if (error.name === 'CredentialsProviderError') {
    return new StartupError(
      `no AWS credentials for ${where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ` +
        `(DynamoDB Local accepts any values, e.g. local and local), ${instead}`,
    );
  }
  if (isUnavailable(error)) {
    const reason = (error as NodeJS.ErrnoException).code ?? error.name;
    return new StartupError(`${where} does not answer (${reason}): start it or correct the URL, ${instead}`);
  }
  return new StartupError(
    `${where} refused to create the table ${config.tableName} (${error.name}: ${error.message}): check the ` +
      `credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and AWS_REGION, ${instead}`,
  );
}

/** The HTTP server could not listen (HOST, PORT). */
export function listenFailure(error: unknown, config: Pick<LocalServerConfig, 'host' | 'port'>): unknown {
  const hosts = 'set HOST to 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an address of this machine';
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new StartupError(
        `port ${config.port} on ${config.host} is in use by another program: stop it, or set PORT to another port (0 picks a free one)`,
      );
    case 'EACCES':
      return new StartupError(`port ${config.port} needs privileges on this machine: set PORT to 1024 or above`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`HOST ${config.host} is not an address of this machine: ${hosts}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new StartupError(`HOST ${config.host} is neither an IP address nor a known host name: ${hosts}`);
    default:
      return error;
  }
}

/** The line `npm start` prints when it cannot start: the fix for a known cause, name and message otherwise. */
export function startupFailureMessage(error: unknown): string {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`;
  if (error instanceof StartupError) return `Cannot start: ${error.message}`;
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return `Failed to start: ${name}: ${message}`;
}

/**
 * The Lambda entry point (`handler`). Everything is built once per execution environment, at module load, and
 * reused by every invocation.
 */
import { readHandlerConfig } from './config.js';
import { Contract } from './contract.js';
import { DynamoDbCustomerStore } from './customer-store.js';
import { createDynamoDbClient } from './dynamodb-client.js';
import { createLogger } from './logger.js';
import { createOperations } from './operations.js';
import { createRequestHandler } from './request-handler.js';

const config = readHandlerConfig();
const store = new DynamoDbCustomerStore(createDynamoDbClient(config), config.tableName);

export const handler = createRequestHandler({
  contract: new Contract(),
  operations: createOperations(store),
  config,
  logger: createLogger(config.logLevel),
});

/**
 * The one place the API's request handler is put together from its parts: the contract, the table store (over a
 * DynamoDB client), the operations and the finishing step (configuration and logger). API keys are API Gateway's to
 * check (locally: src/local/gateway/), never the Lambda's.
 * The Lambda, the local server, the tests and the benchmark all build their handler here, so they run the same wiring.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HandlerConfig } from '../shared/config.js';
import { Contract } from './contract.js';
import { type CustomerStore, DynamoDbCustomerStore } from './customer-store.js';
import { createDynamoDbClient } from './dynamodb-client.js';
import { createResponseFinisher, type FinishResponse } from './finish-response.js';
import { createLogger, type Logger } from './logger.js';
import { createOperations } from './operations.js';
import { createRequestHandler, type ProxyHandler } from './request-handler.js';

export interface ApiHandlerParts {
  readonly config: HandlerConfig;
  /** Where the ids are kept. @default the table `config.tableName` through `client` */
  readonly store?: CustomerStore;
  /** The DynamoDB client under the default store. @default `createDynamoDbClient(config)` */
  readonly client?: DynamoDBClient;
  /** @default the API's contract, from the generated spec and validators */
  readonly contract?: Contract;
  /** @default JSON lines on stdout at `config.logLevel` */
  readonly logger?: Logger;
  /** The finishing step, when shared with another exit (the local HTTP adapter). @default one from config and logger */
  readonly finish?: FinishResponse;
}

export function createApiHandler({ config, store, client, contract, logger, finish }: ApiHandlerParts): ProxyHandler {
  return createRequestHandler({
    contract: contract ?? new Contract(),
    operations: createOperations(
      store ?? new DynamoDbCustomerStore(client ?? createDynamoDbClient(config), config.tableName),
    ),
    finish: finish ?? createResponseFinisher({ config, logger: logger ?? createLogger(config.logLevel) }),
  });
}

/**
 * The Lambda entry point (`handler`). Everything is built once per execution environment, at module load, and
 * reused by every invocation; each invocation's log lines carry its Lambda context (awsRequestId, cold start).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { readHandlerConfig } from '../shared/config.js';
import { createApiHandler } from './api-handler.js';
import { createLogger } from './logger.js';

const config = readHandlerConfig();
const logger = createLogger(config.logLevel);
const handle = createApiHandler({ config, logger });

export function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  logger.addContext(context);
  return handle(event);
}

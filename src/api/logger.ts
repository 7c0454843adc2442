/**
 * Structured logs with Powertools for AWS Lambda's Logger: one JSON object per line, which CloudWatch Logs Insights
 * and `jq` read as they are. In the Lambda every line also carries the invocation's context (`function_request_id`,
 * the Lambda's awsRequestId, `cold_start`, the function's name, ARN and memory) once `addContext` is called; the
 * local server writes the same lines without it. No line carries request headers (an `x-api-key` among them) or
 * bodies: the event is never logged.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { LogLevel } from '../shared/config.js';

import type { Logger } from './log-fields.js';

export { describeError, type LogFields, type Logger } from './log-fields.js';

/** A logger that can add a Lambda invocation's context to the lines that follow. */
export interface LambdaLogger extends Logger {
  addContext(context: Context): void;
}

/** The `service` of every line. */
export const SERVICE_NAME = 'customers-api';

const POWERTOOLS_LEVELS = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  silent: 'SILENT',
} as const satisfies Record<LogLevel, string>;

/**
 * Lines at `level` and above, on stdout, through Powertools' public surface only. Tests read them the way Powertools
 * documents: with `POWERTOOLS_DEV` set, the Logger writes through the global `console`, which a test can spy on
 * (test/helpers/log-lines.ts).
 */
export function createLogger(level: LogLevel): LambdaLogger {
  return new PowertoolsLogger({ serviceName: SERVICE_NAME, logLevel: POWERTOOLS_LEVELS[level] });
}

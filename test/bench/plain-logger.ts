/**
 * Stands in for src/api/logger.ts in one benchmark variant of the Lambda bundle: plain JSON lines (level, time, message,
 * the Lambda's awsRequestId, fields) instead of Powertools for AWS Lambda's Logger, to measure what Powertools costs.
 */
import type { Context } from 'aws-lambda';
import type { LogLevel } from '../../src/shared/config.js';

export type LogFields = Readonly<Record<string, unknown>>;

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(level: LogLevel) {
  let context: LogFields = {};
  const line =
    (entry: Exclude<LogLevel, 'silent'>) =>
    (message: string, ...fields: LogFields[]) => {
      if (SEVERITY[entry] < SEVERITY[level]) return;
      const record = { level: entry, time: new Date().toISOString(), message, ...context, ...fields[0] };
      process.stdout.write(`${JSON.stringify(record)}\n`);
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    addContext({ awsRequestId }: Context) {
      context = { function_request_id: awsRequestId };
    },
  };
}

export function describeError(error: unknown): LogFields {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { value: String(error) };
}

/**
 * What a log line is made of, apart from the logger that writes it (logger.ts, on Powertools): the finishing step and
 * the client package's MSW handlers, which run where Powertools does not, need only these.
 */

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, ...fields: LogFields[]): void;
  info(message: string, ...fields: LogFields[]): void;
  warn(message: string, ...fields: LogFields[]): void;
  error(message: string, ...fields: LogFields[]): void;
}

/** An error as log fields: name, message, stack, and its cause chain. */
export function describeError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { value: String(error) };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause === undefined ? {} : { cause: describeError(error.cause) }),
  };
}

/** Building proxy responses, and the one place where any error becomes a response. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { components } from '../generated/openapi-types.js';
import { HttpError } from './errors.js';

type ErrorBody = components['schemas']['Error'];

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: Object.assign({ 'Content-Type': 'application/json' }, headers),
    body: JSON.stringify(body),
  };
}

/**
 * Any error as the API's `{message}` response. An HttpError says what the client may know (its status, message,
 * details and headers); anything else is a plain 500: its details go to the log (by the caller), never to the client.
 */
export function toErrorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof HttpError) {
    if (error.renderedBody !== undefined) {
      return {
        statusCode: error.statusCode,
        headers: { 'Content-Type': 'application/json', ...error.headers },
        body: error.renderedBody,
      };
    }
    const body: ErrorBody =
      error.details === undefined ? { message: error.message } : { message: error.message, errors: [...error.details] };
    return jsonResponse(error.statusCode, body, error.headers);
  }
  const body: ErrorBody = { message: 'Internal server error' };
  return jsonResponse(500, body);
}

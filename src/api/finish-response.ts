/**
 * The one place every answer is finished, whoever made it: an operation's result, a refusal or error of the request
 * handler, the local server's API-key gate (through the handler), and the local HTTP adapter's own refusals (a query
 * that is not UTF-8, 413, 414, 417, 431, a malformed request). Here an error becomes the API's `{message}` response,
 * CORS (with `Access-Control-Expose-Headers` for an error's `Retry-After` or `Allow`) and `Cache-Control` are added,
 * a server fault is logged in full, and the one `request` line is written.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { HandlerConfig } from '../shared/config.js';
import { corsHeaders, headersToExpose } from './cors.js';
import { HttpError } from './errors.js';
import { toErrorResponse } from './http-response.js';
import { describeError, type Logger } from './log-fields.js';

/** What the finishing step knows of a request: enough for CORS and the log line, nothing of its body or keys. */
export interface RequestSummary {
  readonly method: string;
  readonly path: string;
  /** The request's `Origin` header; undefined when it sent none. */
  readonly origin: string | undefined;
  readonly requestId?: string | undefined;
  /** `performance.now()` when the request arrived. */
  readonly started: number;
  /** The spec's operation, once routing found one. */
  operationId?: string;
}

/** What answering produced: a response, or an error to turn into one. */
export type Outcome = { readonly result: APIGatewayProxyResult } | { readonly error: unknown };

export type FinishResponse = (request: RequestSummary, outcome: Outcome) => APIGatewayProxyResult;

export interface ResponseFinisherOptions {
  readonly config: Pick<HandlerConfig, 'corsAllowedOrigins'>;
  readonly logger: Logger;
}

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

function withoutAllowOrigin(headers: Record<string, string>): Record<string, string> {
  const { 'Access-Control-Allow-Origin': _decided, ...rest } = headers;
  return rest;
}

export function createResponseFinisher({ config, logger }: ResponseFinisherOptions): FinishResponse {
  return (request, outcome) => {
    let result: APIGatewayProxyResult;
    let reason: string | undefined;
    // only an error carries a header a script may need (Retry-After, Allow): a success pays nothing for it
    let exposed: string | undefined;
    if ('error' in outcome) {
      const { error } = outcome;
      result = toErrorResponse(error);
      exposed = headersToExpose(Object.keys(result.headers ?? {}));
      reason = error instanceof HttpError ? error.reason : undefined;
      // An error the API did not expect is its own fault; an HttpError says whether it is.
      if (error instanceof HttpError ? error.serverFault : true) {
        logger.error('request failed', { requestId: request.requestId, error: describeError(error) });
      }
    } else {
      result = outcome.result;
    }
    // Object.assign, not object spread: V8 spreads these header objects ≈ 10× slower, on every request
    result.headers = Object.assign(
      {},
      result.headers,
      // every answer with a body reflects the table at the time of the request; a preflight's has none
      result.body === '' ? undefined : NO_STORE,
      // An answer that names its origin already keeps it: a gateway response's static value, as API Gateway sends it.
      result.headers?.['Access-Control-Allow-Origin'] === undefined
        ? corsHeaders(request.origin, config.corsAllowedOrigins)
        : withoutAllowOrigin(corsHeaders(request.origin, config.corsAllowedOrigins)),
      exposed === undefined ? undefined : { 'Access-Control-Expose-Headers': exposed },
    );
    logger.info('request', {
      requestId: request.requestId,
      method: request.method,
      path: request.path,
      // absent when no operation was found (Powertools leaves out empty fields)
      operation: request.operationId,
      status: result.statusCode,
      durationMs: Math.round((performance.now() - request.started) * 1000) / 1000,
      // why a request was refused (the key gate says), when it says; absent otherwise
      reason,
    });
    return result;
  };
}

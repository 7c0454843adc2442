/**
 * A gateway response as API Gateway renders it: the definition's entry for the response type, or DEFAULT_4XX's when
 * the type has none; its status (the entry's, else DEFAULT_4XX's, else the type's documented default); its headers
 * (`gatewayresponse.header.<name>`: a quoted static value, or a request header); its `application/json` template with
 * the `$context` variables substituted. Gateway response templates are not run through VTL: a variable is replaced by
 * its value and nothing else happens (AWS docs, "Set up gateway responses to customize error responses").
 */
import { HttpError } from '../../api/errors.js';
import type { GatewayDefinition, GatewayResponseDefinition } from './imported-definition.js';

/**
 * The response types the local gateway layer can meet, with API Gateway's documented default status
 * (supported-gateway-response-types) and its own `$context.error.message` for them.
 */
export const LOCAL_RESPONSE_TYPES = {
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token' },
  INVALID_API_KEY: { status: 403, message: 'Forbidden' },
  BAD_REQUEST_PARAMETERS: { status: 400, message: 'Missing required request parameters' },
  BAD_REQUEST_BODY: { status: 400, message: 'Invalid request body' },
} as const;

export type LocalResponseType = keyof typeof LOCAL_RESPONSE_TYPES;

/** What the `$context` variables of a gateway response template are, for one request. */
export interface GatewayErrorContext {
  readonly requestId: string;
  /** `$context.error.message`: AWS's own words. @default the type's */
  readonly message?: string;
  /** `$context.error.validationErrorString`: what a validator found. @default empty */
  readonly validationErrorString?: string;
  /** The request's headers, lower case, for `method.request.header.<name>` response parameters. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** API Gateway's default template (a type with no entry, and no DEFAULT_4XX entry). */
const AWS_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';
const HEADER = 'gatewayresponse.header.';

/** A gateway response, rendered; thrown by the gateway layer, sent by the finishing step as it is. */
export class GatewayResponseError extends HttpError {
  constructor(
    readonly responseType: LocalResponseType,
    statusCode: number,
    renderedBody: string,
    headers: Readonly<Record<string, string>>,
    reason: string,
  ) {
    super('GatewayResponseError', statusCode, messageOf(renderedBody), { headers, renderedBody, reason });
  }
}

/** The gateway response API Gateway would send for `type`, rendered from `definition`. */
export function renderGatewayResponse(
  definition: GatewayDefinition,
  type: LocalResponseType,
  context: GatewayErrorContext,
  reason: string,
  {
    omitHeaders = [],
    headerValues = {},
  }: {
    readonly omitHeaders?: readonly string[];
    /** Values for headers the response declares, in place of the definition's (the stack would import these). */
    readonly headerValues?: Readonly<Record<string, string>>;
  } = {},
): GatewayResponseError {
  const responses = definition['x-amazon-apigateway-gateway-responses'] ?? {};
  const fallback: GatewayResponseDefinition | undefined = responses.DEFAULT_4XX;
  const own = responses[type];
  const entry = own ?? fallback ?? {};
  const status = Number(own?.statusCode ?? fallback?.statusCode ?? LOCAL_RESPONSE_TYPES[type].status);
  const message = context.message ?? LOCAL_RESPONSE_TYPES[type].message;
  const variables: Record<string, string> = {
    'error.messageString': JSON.stringify(message),
    'error.message': message,
    'error.responseType': type,
    'error.validationErrorString': context.validationErrorString ?? '',
    requestId: context.requestId,
  };
  const template = entry.responseTemplates?.['application/json'] ?? AWS_DEFAULT_TEMPLATE;
  const body = template.replace(
    /\$\{context\.([A-Za-z.]+)\}|\$context\.([A-Za-z]+(?:\.[A-Za-z]+)*)/g,
    (_match, braced: string | undefined, bare: string | undefined) => variables[braced ?? bare ?? ''] ?? '',
  );
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry.responseParameters ?? {})) {
    if (!key.startsWith(HEADER) || omitHeaders.includes(key.slice(HEADER.length))) continue;
    const resolved = headerValues[key.slice(HEADER.length)] ?? parameterValue(value, context.headers ?? {});
    if (resolved !== undefined) headers[key.slice(HEADER.length)] = resolved;
  }
  return new GatewayResponseError(type, status, body, headers, reason);
}

/** A response parameter's value: `'static'`, or `method.request.header.<name>` (absent header: no header). */
function parameterValue(value: string, headers: Readonly<Record<string, string>>): string | undefined {
  const literal = /^'(.*)'$/s.exec(value);
  if (literal) return literal[1];
  const header = /^method\.request\.header\.(.+)$/.exec(value);
  if (header) return headers[(header[1] as string).toLowerCase()];
  return undefined;
}

/** The rendered body's `message`, for the log line; the body itself is sent as rendered. */
function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : body;
  } catch {
    return body;
  }
}

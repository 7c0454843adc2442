/**
 * An API Gateway REST proxy event (v1) as openapi-backend's `Request`, so that openapi-backend's own request parsing
 * and validation (`validateRequest`) read it as they read a request from any other server: query values as strings
 * (all values of a repeated array parameter), headers as Node's HTTP server gives them, the path as requested and
 * the body as text.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Request } from 'openapi-backend';

/** How an operation declares a query parameter: `multi` takes every value of a repeated name, `single` the last. */
export type QueryParameterKind = 'multi' | 'single';

export function toOpenApiRequest(
  event: APIGatewayProxyEvent,
  body: string | undefined,
  queryParameters: ReadonlyMap<string, QueryParameterKind>,
): Request {
  return {
    method: event.httpMethod,
    path: event.path,
    headers: headersOf(event),
    query: queryOf(event, queryParameters),
    ...(body === undefined ? {} : { body }),
  };
}

/**
 * The declared query parameters: an array parameter gets all its values (`multiValueQueryStringParameters`), any
 * other the last one, as API Gateway's `queryStringParameters` does. Undeclared ones are left out: the API accepts
 * and ignores them (the spec says so), where openapi-backend would refuse them.
 */
function queryOf(
  event: APIGatewayProxyEvent,
  declared: ReadonlyMap<string, QueryParameterKind>,
): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const single = event.queryStringParameters ?? {};
  const multi = event.multiValueQueryStringParameters ?? {};
  for (const [name, kind] of declared) {
    const values = multi[name] ?? (single[name] === undefined ? undefined : [single[name]]);
    if (values === undefined || values.length === 0) continue;
    query[name] = kind === 'multi' ? [...values] : (values[values.length - 1] as string);
  }
  return query;
}

/** One value per header, repeated headers joined as Node's HTTP server joins them (`; ` for cookies). */
function headersOf(event: APIGatewayProxyEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name] = value;
  }
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values && values.length > 1) headers[name] = values.join(name.toLowerCase() === 'cookie' ? '; ' : ', ');
  }
  return headers;
}

/**
 * The OpenAPI document as API Gateway imports it: the published spec (dereferenced), translated into the subset
 * API Gateway accepts, with the AWS extensions added here in code so that openapi/openapi.yaml stays clean for
 * Prism, Redoc and the Lambda.
 *
 * API Gateway enforces what it can before the Lambda runs (and is billed); the Lambda enforces the whole contract.
 */

/** A plain JSON value, as the document is. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Schema keywords API Gateway models (JSON Schema draft 4) keep. Everything else is dropped: keywords the importer
 * rejects or ignores (`additionalProperties`, `example`, `oneOf`, `nullable`, `x-…`), and two it would get wrong:
 * `maxLength` and `pattern` are evaluated by API Gateway's Java validator on UTF-16 code units, so an id of 512
 * emoji (valid: 512 code points, 2048 bytes) would be refused at the gateway. The Lambda checks both.
 */
export const GATEWAY_SCHEMA_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'items',
  'minLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'enum',
  'description',
  'title',
  'format',
  'default',
]);

/** Parameter fields API Gateway keeps. */
const GATEWAY_PARAMETER_FIELDS = new Set(['name', 'in', 'required', 'description', 'schema']);

/** Keywords the importer rejects or ignores in models; a test checks none is left in the translated document. */
export const KEYWORDS_GATEWAY_REJECTS = [
  'additionalProperties',
  'anyOf',
  'oneOf',
  'discriminator',
  'example',
  'examples',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'readOnly',
  'writeOnly',
  'nullable',
  '$ref',
] as const;

export interface GatewayDefinitionOptions {
  /** The Lambda integration URI (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`). */
  readonly integrationUri: string;
  /** Value of Access-Control-Allow-Origin on the errors API Gateway makes itself. */
  readonly corsAllowOrigin: string;
}

/** The spec, translated for API Gateway, with a Lambda proxy integration on every operation it finds. */
export function toGatewayDefinition(spec: object, options: GatewayDefinitionOptions): JsonObject {
  const source = structuredClone(spec) as JsonObject;
  const integration = {
    type: 'aws_proxy',
    httpMethod: 'POST',
    uri: options.integrationUri,
    passthroughBehavior: 'when_no_match',
  };
  const paths: JsonObject = {};
  for (const [path, item] of Object.entries(asObject(source.paths))) {
    const translated: JsonObject = {};
    for (const [key, value] of Object.entries(asObject(item))) {
      if ((HTTP_METHODS as readonly string[]).includes(key)) {
        translated[key] = { ...translateOperation(asObject(value)), 'x-amazon-apigateway-integration': integration };
      }
    }
    // Any other method also reaches the Lambda, which answers 405 with Allow, and OPTIONS with the CORS preflight
    // for the configured origins: the deployed API behaves as the local server does.
    translated['x-amazon-apigateway-any-method'] = {
      summary: 'Other methods: 405 with Allow; OPTIONS: CORS preflight',
      responses: { '200': { description: 'Answered by the function' } },
      'x-amazon-apigateway-integration': integration,
    };
    paths[path] = translated;
  }
  const info = asObject(source.info);
  return {
    openapi: '3.0.1',
    info: { title: asString(info.title), version: asString(info.version), description: asString(info.description) },
    paths,
    'x-amazon-apigateway-request-validators': {
      all: { validateRequestBody: true, validateRequestParameters: true },
    },
    'x-amazon-apigateway-request-validator': 'all',
    'x-amazon-apigateway-gateway-responses': gatewayResponses(options.corsAllowOrigin),
  };
}

function translateOperation(operation: JsonObject): JsonObject {
  const translated: JsonObject = {};
  for (const field of ['operationId', 'summary', 'description', 'tags'] as const) {
    if (operation[field] !== undefined) translated[field] = operation[field];
  }
  if (operation.parameters) {
    translated.parameters = asArray(operation.parameters).map((parameter) => {
      const kept = pick(asObject(parameter), GATEWAY_PARAMETER_FIELDS);
      // Only presence and type are enforced for parameters by API Gateway.
      if (kept.schema) kept.schema = { type: asString(asObject(kept.schema).type) };
      return kept;
    });
  }
  if (operation.requestBody) {
    const body = asObject(operation.requestBody);
    translated.requestBody = {
      required: body.required ?? false,
      content: mapValues(asObject(body.content), (media) => ({ schema: translateSchema(asObject(media).schema) })),
    };
  }
  translated.responses = mapValues(asObject(operation.responses), (response) => {
    const { description, content } = asObject(response);
    return {
      description: description ?? '',
      ...(content
        ? { content: mapValues(asObject(content), (media) => ({ schema: translateSchema(asObject(media).schema) })) }
        : {}),
    };
  });
  translated['x-amazon-apigateway-request-validator'] = 'all';
  return translated;
}

/** A schema reduced to the draft-4 keywords API Gateway models accept. */
export function translateSchema(schema: Json | undefined): JsonObject {
  const source = asObject(schema ?? {});
  const translated: JsonObject = {};
  for (const [keyword, value] of Object.entries(source)) {
    if (!GATEWAY_SCHEMA_KEYWORDS.has(keyword)) continue;
    if (keyword === 'properties')
      translated.properties = mapValues(asObject(value), (property) => translateSchema(property));
    else if (keyword === 'items') translated.items = translateSchema(value);
    else translated[keyword] = value;
  }
  return translated;
}

/** Errors API Gateway makes itself, in the API's `{message}` shape and with sensible codes. */
function gatewayResponses(corsAllowOrigin: string): JsonObject {
  const response = (statusCode: number | undefined, template = '{"message": $context.error.messageString}') => ({
    ...(statusCode === undefined ? {} : { statusCode }),
    responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': `'${corsAllowOrigin}'` },
    responseTemplates: { 'application/json': template },
  });
  return {
    // API Gateway's default for an unknown route is a confusing 403 "Missing Authentication Token".
    MISSING_AUTHENTICATION_TOKEN: response(404, '{"message": "Not Found"}'),
    BAD_REQUEST_BODY: response(400),
    BAD_REQUEST_PARAMETERS: response(400),
    UNSUPPORTED_MEDIA_TYPE: response(415),
    THROTTLED: response(429),
    QUOTA_EXCEEDED: response(429),
    INTEGRATION_TIMEOUT: response(504),
    DEFAULT_4XX: response(undefined),
    DEFAULT_5XX: response(undefined),
  };
}

function pick(object: JsonObject, keys: ReadonlySet<string>): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => keys.has(key)));
}

function mapValues(object: JsonObject, map: (value: Json) => Json): JsonObject {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]));
}

function asObject(value: Json | undefined): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`expected an object in the OpenAPI document, got ${JSON.stringify(value)}`);
  }
  return value;
}

function asArray(value: Json | undefined): Json[] {
  if (!Array.isArray(value)) throw new Error(`expected an array in the OpenAPI document, got ${JSON.stringify(value)}`);
  return value;
}

function asString(value: Json | undefined): string {
  return typeof value === 'string' ? value : '';
}

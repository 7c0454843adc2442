/**
 * The OpenAPI document as API Gateway imports it: the published spec (dereferenced), translated into the subset
 * API Gateway accepts, with the AWS extensions added here in code so that openapi/openapi.yaml stays clean for
 * Prism, Redoc and the Lambda.
 *
 * API Gateway enforces what it can before the Lambda runs (and is billed); the Lambda enforces the whole contract.
 * The translation is strict: every keyword is either translated, or left to the Lambda for a stated reason, or the
 * synth fails naming it and where it is. Nothing is dropped because nobody thought about it.
 */

import { HTTP_METHODS } from '../src/shared/http-methods.js';
import { headersToExpose } from './exposed-headers.js';

export { HTTP_METHODS };

/** A plain JSON value, as the document is. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Schema keywords API Gateway models (JSON Schema draft 4) keep, copied as they are. */
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
]);

/**
 * Schema keywords left to the Lambda (which validates the whole spec), each with the reason the gateway cannot
 * enforce it. API Gateway only pre-filters: dropping a constraint here lets a bad request reach the Lambda, which
 * refuses it; it never lets a bad request through.
 */
export const SCHEMA_KEYWORDS_LEFT_TO_THE_LAMBDA: Readonly<Record<string, string>> = {
  maxLength:
    "API Gateway's validator counts UTF-16 code units, so a valid id of 512 emoji (512 code points) would be refused",
  pattern: "API Gateway's validator matches UTF-16 code units, not code points, and has its own regex dialect",
  additionalProperties: 'API Gateway models do not support it',
  example: 'documentation only',
  examples: 'documentation only',
  default:
    'an annotation that never changes whether a request is valid, and API Gateway models do not support it (the ' +
    'importer would reject the model)',
  'x-pattern-message': "the Lambda's message for a pattern failure",
};

/** Keywords the importer rejects or ignores in models; a test checks none is left in the translated document. */
export const KEYWORDS_GATEWAY_REJECTS = [
  'additionalProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'discriminator',
  'example',
  'examples',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'readOnly',
  'writeOnly',
  'nullable',
  'default',
  '$ref',
] as const;

/**
 * What API Gateway validates before the Lambda runs: that each required parameter is there (all it can check of a
 * parameter), not the body. A body the gateway's model refused would be a 400 naming only `body` ("does not match
 * the operation's request schema": a gateway response template is static and cannot name the property), where the
 * Lambda, which checks every body anyway, names it (`body.id must be string`) and checks what the model cannot
 * (`pattern` and `maxLength` in code points). So every body is the Lambda's to judge, and a client gets one answer
 * for one mistake, whatever layer it meets first (infra/README.md, "How the spec becomes the API").
 */
export const REQUEST_VALIDATOR = 'parameters';
export const REQUEST_VALIDATORS: JsonObject = {
  [REQUEST_VALIDATOR]: { validateRequestBody: false, validateRequestParameters: true },
};

/** Fields that only document, and that API Gateway has no use for. */
const DOCUMENTATION_FIELDS = new Set(['example', 'examples', 'externalDocs', 'deprecated']);

/** One operation of the spec, as handed to `operationExtensions`. */
export interface OperationRef {
  readonly path: string;
  readonly method: (typeof HTTP_METHODS)[number];
  readonly operationId: string | undefined;
  /** The operation as the spec has it (dereferenced), for hooks that translate fields such as `security`. */
  readonly source: JsonObject;
}

/** A gateway response: the errors API Gateway answers itself (status code as a string, as documented). */
export interface GatewayResponse {
  readonly statusCode?: string;
  readonly responseParameters?: Record<string, string>;
  readonly responseTemplates?: Record<string, string>;
}

export interface GatewayDefinitionOptions {
  /** The Lambda integration URI (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`). */
  readonly integrationUri: string;
  /** Value of Access-Control-Allow-Origin on the errors API Gateway makes itself. */
  readonly corsAllowOrigin: string;
  /** Fields merged into each of the spec's operations (e.g. `security`, `x-amazon-apigateway-auth`). */
  readonly operationExtensions?: (operation: OperationRef) => JsonObject;
  /** Fields merged into the document's root (e.g. `x-amazon-apigateway-api-key-source`, `components`). */
  readonly rootExtensions?: JsonObject;
  /**
   * Spec fields that the extensions above translate (e.g. `security`, `components.securitySchemes`): the strict
   * translation leaves them to those hooks instead of failing on them.
   * @default none: a non-empty `security` or `securitySchemes` fails the synth
   */
  readonly fieldsTranslatedElsewhere?: readonly ('security' | 'securitySchemes')[];
  /** Gateway responses added, or replacing this module's, by response type. */
  readonly gatewayResponses?: Readonly<Record<string, GatewayResponse>>;
}

/** The spec uses something the translation does not know how to give API Gateway. */
export class UntranslatableSpecError extends Error {
  override readonly name = 'UntranslatableSpecError';
  constructor(readonly problems: readonly string[]) {
    super(
      `openapi/openapi.yaml cannot be imported into API Gateway as it is (infra/api-definition.ts):\n${problems
        .map((problem) => `  - ${problem}`)
        .join('\n')}\nTeach infra/api-definition.ts to translate it, or express it differently in the spec.`,
    );
  }
}

/** The spec, translated for API Gateway, with a Lambda proxy integration on every operation it finds. */
export function toGatewayDefinition(spec: object, options: GatewayDefinitionOptions): JsonObject {
  const translation = new Translation(options);
  const definition = translation.document(structuredClone(spec) as JsonObject);
  if (translation.problems.length > 0) throw new UntranslatableSpecError(translation.problems);
  return definition;
}

/** A schema reduced to the draft-4 keywords API Gateway models accept; throws on anything it cannot translate. */
export function translateSchema(schema: Json | undefined): JsonObject {
  const translation = new Translation({ integrationUri: '', corsAllowOrigin: '*' });
  const translated = translation.schema(schema ?? {}, '#');
  if (translation.problems.length > 0) throw new UntranslatableSpecError(translation.problems);
  return translated;
}

class Translation {
  readonly problems: string[] = [];
  private readonly elsewhere: ReadonlySet<string>;

  constructor(private readonly options: GatewayDefinitionOptions) {
    this.elsewhere = new Set(options.fieldsTranslatedElsewhere ?? []);
  }

  private problem(pointer: string, what: string): void {
    this.problems.push(`${pointer}: ${what}`);
  }

  private unknown(pointer: string, key: string, where: string): void {
    this.problem(`${pointer}/${pointerSegment(key)}`, `\`${key}\` in ${where} has no API Gateway translation`);
  }

  document(source: JsonObject): JsonObject {
    const version = typeof source.openapi === 'string' ? source.openapi : '';
    if (!/^3\.0\.\d+$/.test(version)) {
      this.problem('#/openapi', `API Gateway imports OpenAPI 3.0 only, not ${JSON.stringify(version)}`);
    }
    const root: JsonObject = {};
    for (const [key, value] of Object.entries(source)) {
      if (['openapi', 'info', 'paths', 'servers', 'tags', 'externalDocs'].includes(key)) continue;
      if (key === 'security') this.security(value, '#/security');
      else if (key === 'components') this.components(value, '#/components');
      else if (key.startsWith('x-amazon-apigateway-')) root[key] = value;
      else this.unknown('#', key, 'the document root');
    }
    const paths: JsonObject = {};
    for (const [path, item] of Object.entries(this.object(source.paths, '#/paths'))) {
      paths[path] = this.pathItem(path, this.object(item, `#/paths/${pointerSegment(path)}`));
    }
    const info = this.object(source.info, '#/info');
    const responses: Record<string, GatewayResponse> = {
      ...gatewayResponses(this.options.corsAllowOrigin, requiredParameters(paths)),
      ...this.options.gatewayResponses,
    };
    return {
      openapi: '3.0.1',
      info: { title: asString(info.title), version: asString(info.version), description: asString(info.description) },
      ...root,
      paths,
      'x-amazon-apigateway-request-validators': REQUEST_VALIDATORS,
      'x-amazon-apigateway-request-validator': REQUEST_VALIDATOR,
      'x-amazon-apigateway-gateway-responses': mapValues(
        responses as JsonObject,
        (response) => withExposedHeaders(response as GatewayResponse) as JsonObject,
      ),
      ...this.options.rootExtensions,
    };
  }

  /** `security: []` (no requirement) needs nothing; a requirement needs a hook that maps it to API Gateway. */
  private security(value: Json | undefined, pointer: string): void {
    const requirements = this.array(value, pointer);
    if (requirements.length > 0 && !this.elsewhere.has('security')) {
      this.problem(pointer, 'a security requirement needs an auth mode that translates it (API Gateway ignores it)');
    }
  }

  private components(value: Json | undefined, pointer: string): void {
    // The document is dereferenced: the schemas, responses, parameters… that are used are inlined where they are.
    const schemes = this.object(value, pointer).securitySchemes;
    if (schemes && Object.keys(this.object(schemes, `${pointer}/securitySchemes`)).length > 0) {
      if (!this.elsewhere.has('securitySchemes')) {
        this.problem(`${pointer}/securitySchemes`, 'security schemes need an auth mode that translates them');
      }
    }
  }

  private pathItem(path: string, item: JsonObject): JsonObject {
    const pointer = `#/paths/${pointerSegment(path)}`;
    const integration = {
      type: 'aws_proxy',
      httpMethod: 'POST',
      uri: this.options.integrationUri,
      passthroughBehavior: 'when_no_match',
    };
    const shared = item.parameters === undefined ? [] : this.array(item.parameters, `${pointer}/parameters`);
    const translated: JsonObject = {};
    for (const [key, value] of Object.entries(item)) {
      if ((HTTP_METHODS as readonly string[]).includes(key)) {
        const method = key as (typeof HTTP_METHODS)[number];
        const source = this.object(value, `${pointer}/${key}`);
        translated[key] = {
          ...this.operation(source, shared, `${pointer}/${key}`, pointer),
          'x-amazon-apigateway-integration': integration,
          ...this.options.operationExtensions?.({
            path,
            method,
            operationId: typeof source.operationId === 'string' ? source.operationId : undefined,
            source,
          }),
        };
      } else if (!['parameters', 'summary', 'description'].includes(key)) {
        this.unknown(pointer, key, 'a path item');
      }
    }
    // Any other method also reaches the Lambda, which answers 405 with Allow, and OPTIONS with the CORS preflight
    // for the configured origins: the deployed API behaves as the local server does.
    translated['x-amazon-apigateway-any-method'] = {
      summary: 'Other methods: 405 with Allow; OPTIONS: CORS preflight',
      responses: { '200': { description: 'Answered by the function' } },
      'x-amazon-apigateway-integration': integration,
    };
    return translated;
  }

  private operation(operation: JsonObject, shared: Json[], pointer: string, pathPointer: string): JsonObject {
    const translated: JsonObject = {};
    for (const [key, value] of Object.entries(operation)) {
      if (['operationId', 'summary', 'description', 'tags'].includes(key)) translated[key] = value;
      else if (key === 'security') this.security(value, `${pointer}/security`);
      else if (key.startsWith('x-amazon-apigateway-')) translated[key] = value;
      else if (!['parameters', 'requestBody', 'responses'].includes(key) && !DOCUMENTATION_FIELDS.has(key))
        this.unknown(pointer, key, 'an operation');
    }
    const own = operation.parameters === undefined ? [] : this.array(operation.parameters, `${pointer}/parameters`);
    const parameters = mergeParameters(shared, own).map(({ parameter, index, level }) =>
      this.parameter(parameter, `${level === 'path' ? pathPointer : pointer}/parameters/${index}`),
    );
    if (parameters.length > 0) translated.parameters = parameters;
    if (operation.requestBody !== undefined) {
      translated.requestBody = this.requestBody(operation.requestBody, `${pointer}/requestBody`);
    }
    translated.responses = mapValues(this.object(operation.responses, `${pointer}/responses`), (response, code) =>
      this.response(response, `${pointer}/responses/${code}`),
    );
    translated['x-amazon-apigateway-request-validator'] = REQUEST_VALIDATOR;
    return translated;
  }

  /** API Gateway enforces only a parameter's presence (and keeps its type); the Lambda checks the rest. */
  private parameter(value: Json, pointer: string): JsonObject {
    const parameter = this.object(value, pointer);
    const translated: JsonObject = {};
    for (const [key, field] of Object.entries(parameter)) {
      if (['name', 'required', 'description'].includes(key)) translated[key] = field;
      else if (key === 'in') {
        if (!['query', 'header', 'path'].includes(String(field)))
          this.problem(`${pointer}/in`, `API Gateway has no ${JSON.stringify(field)} parameters`);
        translated.in = field;
      } else if (key === 'schema') {
        const schema = this.schema(field, `${pointer}/schema`);
        if (!['string', 'integer', 'number', 'boolean'].includes(String(schema.type)))
          this.problem(`${pointer}/schema/type`, `a ${JSON.stringify(schema.type)} parameter has no translation`);
        translated.schema = { type: schema.type ?? null };
      } else if (!DOCUMENTATION_FIELDS.has(key)) this.unknown(pointer, key, 'a parameter');
    }
    return translated;
  }

  private requestBody(value: Json, pointer: string): JsonObject {
    const body = this.object(value, pointer);
    for (const key of Object.keys(body)) {
      if (!['required', 'content', 'description'].includes(key)) this.unknown(pointer, key, 'a request body');
    }
    return {
      required: body.required ?? false,
      content: this.content(body.content, `${pointer}/content`),
    };
  }

  private response(value: Json, pointer: string): JsonObject {
    const response = this.object(value, pointer);
    for (const key of Object.keys(response)) {
      // `headers`: a Lambda proxy integration passes the function's response headers through as they are;
      // declared method-response headers matter only to non-proxy integrations.
      if (!['description', 'content', 'headers'].includes(key)) this.unknown(pointer, key, 'a response');
    }
    return {
      description: asString(response.description),
      ...(response.content === undefined ? {} : { content: this.content(response.content, `${pointer}/content`) }),
    };
  }

  private content(value: Json | undefined, pointer: string): JsonObject {
    return mapValues(this.object(value, pointer), (media, mediaType) => {
      const mediaPointer = `${pointer}/${pointerSegment(mediaType)}`;
      const fields = this.object(media, mediaPointer);
      for (const key of Object.keys(fields)) {
        if (key !== 'schema' && !DOCUMENTATION_FIELDS.has(key)) this.unknown(mediaPointer, key, 'a media type');
      }
      return { schema: this.schema(fields.schema ?? {}, `${mediaPointer}/schema`) };
    });
  }

  schema(value: Json, pointer: string): JsonObject {
    const source = this.object(value, pointer);
    const translated: JsonObject = {};
    for (const [keyword, field] of Object.entries(source)) {
      if (keyword === 'properties') {
        translated.properties = mapValues(this.object(field, `${pointer}/properties`), (property, name) =>
          this.schema(property, `${pointer}/properties/${pointerSegment(name)}`),
        );
      } else if (keyword === 'items') {
        translated.items = this.schema(field, `${pointer}/items`);
      } else if (keyword === 'format' && source.type !== 'string' && typeof field === 'string') {
        // API Gateway refuses int32/int64 on numbers; other formats on numbers mean nothing to it.
        this.problem(`${pointer}/format`, `format ${JSON.stringify(field)} on a ${source.type} has no translation`);
      } else if (GATEWAY_SCHEMA_KEYWORDS.has(keyword)) {
        translated[keyword] = field;
      } else if (!(keyword in SCHEMA_KEYWORDS_LEFT_TO_THE_LAMBDA)) {
        this.unknown(pointer, keyword, 'a schema');
      }
    }
    return translated;
  }

  private object(value: Json | undefined, pointer: string): JsonObject {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.problem(pointer, `expected an object, got ${JSON.stringify(value)}`);
      return {};
    }
    return value;
  }

  private array(value: Json | undefined, pointer: string): Json[] {
    if (!Array.isArray(value)) {
      this.problem(pointer, `expected an array, got ${JSON.stringify(value)}`);
      return [];
    }
    return value;
  }
}

/**
 * The headers every error API Gateway makes itself carries, as the function's own errors do: CORS, so that a browser
 * can read it, and `Cache-Control: no-store`.
 */
export function gatewayResponseHeaders(corsAllowOrigin: string): Record<string, string> {
  return {
    'gatewayresponse.header.Access-Control-Allow-Origin': `'${corsAllowOrigin}'`,
    'gatewayresponse.header.Cache-Control': "'no-store'",
  };
}

/**
 * A gateway response answering `body` (the API's error shape) with `statusCode` and the headers every error
 * carries; `headers` adds others (`gatewayresponse.header.<name>` → a quoted static value). The body is static
 * JSON: gateway response templates are not run through VTL (no `$util`), so nothing in them could escape a value.
 */
export function gatewayErrorResponse(
  corsAllowOrigin: string,
  statusCode: string | undefined,
  body: { message: string; errors?: { location: string; message: string }[] },
  headers: Record<string, string> = {},
): GatewayResponse {
  return {
    ...(statusCode === undefined ? {} : { statusCode }),
    responseParameters: { ...gatewayResponseHeaders(corsAllowOrigin), ...headers },
    responseTemplates: { 'application/json': JSON.stringify(body) },
  };
}

/** API Gateway's own message, already a quoted JSON string, for the answers whose text carries nothing private. */
const AWS_MESSAGE = '{"message": $context.error.messageString}';

/**
 * The request validator's 400s in the spec's shape (`message` and `errors`, as every 400). Their words are static:
 * `$context.error.validationErrorString` is AWS's own text, documented neither as quoted nor as escaped (it holds
 * quotes, e.g. `(["id"])`), and a gateway response template cannot escape it, so it could make the body invalid JSON.
 * The Lambda, which validates the whole contract, gives the detailed `errors` for everything the gateway lets through.
 */
function invalidRequest(corsAllowOrigin: string, location: string, problem: string): GatewayResponse {
  return gatewayErrorResponse(corsAllowOrigin, '400', {
    message: `Invalid request: ${location} ${problem}`,
    errors: [{ location, message: problem }],
  });
}

/** Errors API Gateway makes itself, in the API's `{message}` shape and with sensible codes. */
function gatewayResponses(corsAllowOrigin: string, required: readonly string[]): Record<string, GatewayResponse> {
  const aws = (statusCode: string | undefined, headers: Record<string, string> = {}): GatewayResponse => ({
    ...(statusCode === undefined ? {} : { statusCode }),
    responseParameters: { ...gatewayResponseHeaders(corsAllowOrigin), ...headers },
    responseTemplates: { 'application/json': AWS_MESSAGE },
  });
  // The validator checks only that each required parameter is there and not blank: when the API has one, the
  // answer can name it (`query.id`).
  const [only] = required;
  const parameters =
    required.length === 1 && only !== undefined
      ? invalidRequest(corsAllowOrigin, only, 'is missing or empty')
      : invalidRequest(corsAllowOrigin, 'parameters', 'include one that is required and missing or empty');
  return {
    // API Gateway's default for an unknown route is a confusing 403 "Missing Authentication Token".
    MISSING_AUTHENTICATION_TOKEN: gatewayErrorResponse(corsAllowOrigin, '404', { message: 'Not Found' }),
    RESOURCE_NOT_FOUND: gatewayErrorResponse(corsAllowOrigin, '404', { message: 'Not Found' }),
    BAD_REQUEST_BODY: invalidRequest(corsAllowOrigin, 'body', "does not match the operation's request schema"),
    BAD_REQUEST_PARAMETERS: parameters,
    UNSUPPORTED_MEDIA_TYPE: aws('415'),
    // A rate or burst refused now may pass a second later.
    THROTTLED: aws('429', { 'gatewayresponse.header.Retry-After': "'1'" }),
    INTEGRATION_TIMEOUT: aws('504'),
    API_CONFIGURATION_ERROR: gatewayErrorResponse(corsAllowOrigin, '500', { message: 'Internal server error' }),
    DEFAULT_4XX: aws(undefined),
    DEFAULT_5XX: aws(undefined),
  };
}

/**
 * Response types no gateway response is imported for, in any mode, and why; each falls to DEFAULT_4XX/DEFAULT_5XX.
 * (Each auth mode adds the types it can answer: infra/auth.ts.)
 */
export const GATEWAY_RESPONSES_NOT_IMPORTED: Readonly<Record<string, string>> = {
  REQUEST_TOO_LARGE: 'API Gateway does not let its 413 (a body over 10 MB) be customised',
  AUTHORIZER_FAILURE: 'no mode uses a Lambda or Cognito authorizer',
  AUTHORIZER_CONFIGURATION_ERROR: 'no mode uses a Lambda or Cognito authorizer',
  INTEGRATION_FAILURE: "the function could not be invoked: DEFAULT_5XX answers with API Gateway's own short words",
};

/** Each gateway response with `Access-Control-Expose-Headers` for the headers a browser would otherwise hide. */
function withExposedHeaders(response: GatewayResponse): GatewayResponse {
  const prefix = 'gatewayresponse.header.';
  const names = Object.keys(response.responseParameters ?? {})
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
  const exposed = headersToExpose(names);
  if (exposed === undefined) return response;
  return {
    ...response,
    responseParameters: { ...response.responseParameters, [`${prefix}Access-Control-Expose-Headers`]: `'${exposed}'` },
  };
}

/** `<in>.<name>` of every parameter some operation requires (the translated paths), each once. */
function requiredParameters(paths: JsonObject): string[] {
  const found = new Set<string>();
  for (const item of Object.values(paths)) {
    for (const [method, operation] of Object.entries(item as JsonObject)) {
      if (!(HTTP_METHODS as readonly string[]).includes(method)) continue;
      for (const parameter of ((operation as JsonObject).parameters ?? []) as JsonObject[]) {
        if (parameter.required === true) found.add(`${String(parameter.in)}.${String(parameter.name)}`);
      }
    }
  }
  return [...found];
}

/** Path-level parameters apply to every operation unless the operation redefines one (same name and `in`). */
function mergeParameters(
  shared: Json[],
  own: Json[],
): { parameter: Json; index: number; level: 'path' | 'operation' }[] {
  const key = (parameter: Json) => {
    const { name, in: location } = (parameter ?? {}) as JsonObject;
    return `${String(location)}:${String(name)}`;
  };
  const overridden = new Set(own.map(key));
  return [
    ...shared
      .map((parameter, index) => ({ parameter, index, level: 'path' as const }))
      .filter(({ parameter }) => !overridden.has(key(parameter))),
    ...own.map((parameter, index) => ({ parameter, index, level: 'operation' as const })),
  ];
}

function mapValues(object: JsonObject, map: (value: Json, key: string) => Json): JsonObject {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value, key)]));
}

/** One operation of a document: its path, its method and the operation object itself (live, to read or change). */
export interface OperationEntry {
  readonly path: string;
  readonly method: (typeof HTTP_METHODS)[number];
  readonly operation: JsonObject;
}

/** Every operation of an OpenAPI document (raw or dereferenced), path by path. */
export function operationsOf(document: object): OperationEntry[] {
  const paths = ((document as JsonObject).paths ?? {}) as Record<string, JsonObject>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([key]) => (HTTP_METHODS as readonly string[]).includes(key))
      .map(([method, operation]) => ({
        path,
        method: method as (typeof HTTP_METHODS)[number],
        operation: operation as JsonObject,
      })),
  );
}

/** A spec path as an execute-api ARN has it, the request's actual path: a templated segment (`{id}`) matches any value. */
export function executeApiPath(path: string): string {
  return path.replace(/\{[^}]+\}/g, '*');
}

/** A JSON-pointer segment (RFC 6901). */
function pointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function asString(value: Json | undefined): string {
  return typeof value === 'string' ? value : '';
}

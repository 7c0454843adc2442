/**
 * The OpenAPI document as API Gateway imports it: the published spec (dereferenced), translated into the subset
 * API Gateway accepts, with the AWS extensions added here in code so that openapi/openapi.yaml stays clean for
 * Prism, Redoc and the Lambda.
 *
 * API Gateway enforces what it can before the Lambda runs (and is billed); the Lambda enforces the whole contract.
 * The translation is strict: every field is either translated, or left to the Lambda for a stated reason, or the
 * synth fails naming it and where it is (infra/translation-problems.ts). This module walks the document (root, paths,
 * operations, parameters, bodies, responses); what it adds comes from one module per concern: the schemas as models
 * (infra/gateway-models.ts), the request validator (infra/request-validators.ts), the integration with the function
 * (infra/lambda-integration.ts) and the errors API Gateway answers itself (infra/gateway-responses.ts).
 */
import type { HttpMethod } from '../src/shared/http-methods.js';
import { gatewaySchema } from './gateway-models.js';
import { type GatewayResponse, importedGatewayResponses } from './gateway-responses.js';
import { lambdaProxyIntegration, otherMethodsToTheFunction } from './lambda-integration.js';
import { REQUEST_VALIDATOR, REQUEST_VALIDATORS } from './request-validators.js';
import { isHttpMethod, type Json, type JsonObject, mapValues, pointerSegment } from './spec-document.js';
import { TranslationProblems } from './translation-problems.js';

/** Fields that only document, and that API Gateway has no use for. */
const DOCUMENTATION_FIELDS = new Set(['example', 'examples', 'externalDocs', 'deprecated']);

/** One operation of the spec, as handed to `operationExtensions`. */
export interface OperationRef {
  readonly path: string;
  readonly method: HttpMethod;
  readonly operationId: string | undefined;
  /** The operation as the spec has it (dereferenced), for hooks that translate fields such as `security`. */
  readonly source: JsonObject;
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
  /** Gateway responses added, or replacing infra/gateway-responses.ts's, by response type. */
  readonly gatewayResponses?: Readonly<Record<string, GatewayResponse>>;
}

/** The spec, translated for API Gateway, with a Lambda proxy integration on every operation it finds. */
export function toGatewayDefinition(spec: object, options: GatewayDefinitionOptions): JsonObject {
  const translation = new Translation(options);
  const definition = translation.document(structuredClone(spec) as JsonObject);
  translation.problems.throwIfAny();
  return definition;
}

class Translation {
  readonly problems = new TranslationProblems();
  private readonly elsewhere: ReadonlySet<string>;

  constructor(private readonly options: GatewayDefinitionOptions) {
    this.elsewhere = new Set(options.fieldsTranslatedElsewhere ?? []);
  }

  document(source: JsonObject): JsonObject {
    const version = typeof source.openapi === 'string' ? source.openapi : '';
    if (!/^3\.0\.\d+$/.test(version)) {
      this.problems.add('#/openapi', `API Gateway imports OpenAPI 3.0 only, not ${JSON.stringify(version)}`);
    }
    const root: JsonObject = {};
    for (const [key, value] of Object.entries(source)) {
      if (['openapi', 'info', 'paths', 'servers', 'tags', 'externalDocs'].includes(key)) continue;
      if (key === 'security') this.security(value, '#/security');
      else if (key === 'components') this.components(value, '#/components');
      else if (key.startsWith('x-amazon-apigateway-')) root[key] = value;
      else this.problems.unknown('#', key, 'the document root');
    }
    const paths: JsonObject = {};
    for (const [path, item] of Object.entries(this.problems.object(source.paths, '#/paths'))) {
      paths[path] = this.pathItem(path, this.problems.object(item, `#/paths/${pointerSegment(path)}`));
    }
    const info = this.problems.object(source.info, '#/info');
    return {
      openapi: '3.0.1',
      info: { title: asString(info.title), version: asString(info.version), description: asString(info.description) },
      ...root,
      paths,
      'x-amazon-apigateway-request-validators': REQUEST_VALIDATORS,
      'x-amazon-apigateway-request-validator': REQUEST_VALIDATOR,
      'x-amazon-apigateway-gateway-responses': importedGatewayResponses(
        this.options.corsAllowOrigin,
        paths,
        this.options.gatewayResponses,
      ),
      ...this.options.rootExtensions,
    };
  }

  /** `security: []` (no requirement) needs nothing; a requirement needs a hook that maps it to API Gateway. */
  private security(value: Json | undefined, pointer: string): void {
    const requirements = this.problems.array(value, pointer);
    if (requirements.length > 0 && !this.elsewhere.has('security')) {
      this.problems.add(
        pointer,
        'a security requirement needs an auth mode that translates it (API Gateway ignores it)',
      );
    }
  }

  private components(value: Json | undefined, pointer: string): void {
    // The document is dereferenced: the schemas, responses, parameters… that are used are inlined where they are.
    const schemes = this.problems.object(value, pointer).securitySchemes;
    if (schemes && Object.keys(this.problems.object(schemes, `${pointer}/securitySchemes`)).length > 0) {
      if (!this.elsewhere.has('securitySchemes')) {
        this.problems.add(`${pointer}/securitySchemes`, 'security schemes need an auth mode that translates them');
      }
    }
  }

  private pathItem(path: string, item: JsonObject): JsonObject {
    const pointer = `#/paths/${pointerSegment(path)}`;
    const integration = lambdaProxyIntegration(this.options.integrationUri);
    const shared = item.parameters === undefined ? [] : this.problems.array(item.parameters, `${pointer}/parameters`);
    const translated: JsonObject = {};
    for (const [key, value] of Object.entries(item)) {
      if (isHttpMethod(key)) {
        const source = this.problems.object(value, `${pointer}/${key}`);
        translated[key] = {
          ...this.operation(source, shared, `${pointer}/${key}`, pointer),
          'x-amazon-apigateway-integration': integration,
          ...this.options.operationExtensions?.({
            path,
            method: key,
            operationId: typeof source.operationId === 'string' ? source.operationId : undefined,
            source,
          }),
        };
      } else if (!['parameters', 'summary', 'description'].includes(key)) {
        this.problems.unknown(pointer, key, 'a path item');
      }
    }
    translated['x-amazon-apigateway-any-method'] = otherMethodsToTheFunction(integration);
    return translated;
  }

  private operation(operation: JsonObject, shared: Json[], pointer: string, pathPointer: string): JsonObject {
    const translated: JsonObject = {};
    for (const [key, value] of Object.entries(operation)) {
      if (['operationId', 'summary', 'description', 'tags'].includes(key)) translated[key] = value;
      else if (key === 'security') this.security(value, `${pointer}/security`);
      else if (key.startsWith('x-amazon-apigateway-')) translated[key] = value;
      else if (!['parameters', 'requestBody', 'responses'].includes(key) && !DOCUMENTATION_FIELDS.has(key))
        this.problems.unknown(pointer, key, 'an operation');
    }
    const own =
      operation.parameters === undefined ? [] : this.problems.array(operation.parameters, `${pointer}/parameters`);
    const parameters = mergeParameters(shared, own).map(({ parameter, index, level }) =>
      this.parameter(parameter, `${level === 'path' ? pathPointer : pointer}/parameters/${index}`),
    );
    if (parameters.length > 0) translated.parameters = parameters;
    if (operation.requestBody !== undefined) {
      translated.requestBody = this.requestBody(operation.requestBody, `${pointer}/requestBody`);
    }
    translated.responses = mapValues(
      this.problems.object(operation.responses, `${pointer}/responses`),
      (response, code) => this.response(response, `${pointer}/responses/${code}`),
    );
    translated['x-amazon-apigateway-request-validator'] = REQUEST_VALIDATOR;
    return translated;
  }

  /** API Gateway enforces only a parameter's presence (and keeps its type); the Lambda checks the rest. */
  private parameter(value: Json, pointer: string): JsonObject {
    const parameter = this.problems.object(value, pointer);
    const translated: JsonObject = {};
    for (const [key, field] of Object.entries(parameter)) {
      if (['name', 'required', 'description'].includes(key)) translated[key] = field;
      else if (key === 'in') {
        if (!['query', 'header', 'path'].includes(String(field)))
          this.problems.add(`${pointer}/in`, `API Gateway has no ${JSON.stringify(field)} parameters`);
        translated.in = field;
      } else if (key === 'schema') {
        const schema = gatewaySchema(field, `${pointer}/schema`, this.problems);
        if (!['string', 'integer', 'number', 'boolean'].includes(String(schema.type)))
          this.problems.add(`${pointer}/schema/type`, `a ${JSON.stringify(schema.type)} parameter has no translation`);
        translated.schema = { type: schema.type ?? null };
      } else if (!DOCUMENTATION_FIELDS.has(key)) this.problems.unknown(pointer, key, 'a parameter');
    }
    return translated;
  }

  private requestBody(value: Json, pointer: string): JsonObject {
    const body = this.problems.object(value, pointer);
    for (const key of Object.keys(body)) {
      if (!['required', 'content', 'description'].includes(key)) this.problems.unknown(pointer, key, 'a request body');
    }
    return {
      required: body.required ?? false,
      content: this.content(body.content, `${pointer}/content`),
    };
  }

  private response(value: Json, pointer: string): JsonObject {
    const response = this.problems.object(value, pointer);
    for (const key of Object.keys(response)) {
      // `headers`: a Lambda proxy integration passes the function's response headers through as they are;
      // declared method-response headers matter only to non-proxy integrations.
      if (!['description', 'content', 'headers'].includes(key)) this.problems.unknown(pointer, key, 'a response');
    }
    return {
      description: asString(response.description),
      ...(response.content === undefined ? {} : { content: this.content(response.content, `${pointer}/content`) }),
    };
  }

  private content(value: Json | undefined, pointer: string): JsonObject {
    return mapValues(this.problems.object(value, pointer), (media, mediaType) => {
      const mediaPointer = `${pointer}/${pointerSegment(mediaType)}`;
      const fields = this.problems.object(media, mediaPointer);
      for (const key of Object.keys(fields)) {
        if (key !== 'schema' && !DOCUMENTATION_FIELDS.has(key))
          this.problems.unknown(mediaPointer, key, 'a media type');
      }
      return { schema: gatewaySchema(fields.schema ?? {}, `${mediaPointer}/schema`, this.problems) };
    });
  }
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

function asString(value: Json | undefined): string {
  return typeof value === 'string' ? value : '';
}

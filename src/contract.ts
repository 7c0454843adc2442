/**
 * The contract at run time: openapi-backend's router and validator over the document generated from
 * openapi/openapi.yaml, with request validators compiled at build time (src/precompiled-validators.ts). Routing,
 * validation and the facts derived from the spec (allowed methods, declared query parameters, accepted media types)
 * all come from here, never from hand-written lists.
 */
import type { ErrorObject } from 'ajv';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { OpenAPIRouter, OpenAPIValidator, type Operation, type Request } from 'openapi-backend';
import { runtimeDocument } from './generated/runtime-document.js';
import { type QueryParameterKind, toOpenApiRequest } from './openapi-request.js';
import { AJV_OPTIONS, usePrecompiledValidators } from './precompiled-validators.js';

export type ContractOperation = Operation;
/** A parameter of an operation, dereferenced (openapi-backend's operations have no $ref left). */
type Parameter = Extract<NonNullable<Operation['parameters']>[number], { in: string }>;

/** What validation found, and the declared query parameters as the validators coerced them. */
export interface RequestVerdict {
  readonly errors: ErrorObject[];
  readonly query: Record<string, unknown>;
}

interface OperationFacts {
  readonly queryParameters: ReadonlyMap<string, QueryParameterKind>;
  /** Whether its requests need openapi-backend's parsing (path templates, cookies, JSON or delimited query values). */
  readonly needsParsing: boolean;
  /** openapi-backend checks that a body is well-formed JSON when JSON is the only media type an operation takes. */
  readonly onlyJson: boolean;
  readonly acceptedMediaTypes: readonly string[];
}

export interface ContractOptions {
  /** Use the validators generated at build time. @default true; false compiles with ajv at run time (tests). */
  readonly precompiled?: boolean;
}

export class Contract {
  readonly router: OpenAPIRouter;
  readonly validator: OpenAPIValidator;
  /** Operations on paths without templates, by "method path": routing without a scan for the common case. */
  private readonly staticRoutes = new Map<string, ContractOperation>();

  constructor(definition = runtimeDocument, options: ContractOptions = {}) {
    this.router = new OpenAPIRouter({ definition });
    this.validator = new OpenAPIValidator({
      definition,
      router: this.router,
      // validators are looked up on first use of an operation; response validators are never built in production
      lazyCompileValidators: true,
      // the operation handlers receive the query parameters as validated (an integer as a number)
      coerceTypes: true,
      // verbose errors carry the failing schema, whose x-pattern-message explains a pattern to people
      ajvOpts: AJV_OPTIONS,
      ...(options.precompiled === false ? {} : { customizeAjv: usePrecompiledValidators }),
    });
    for (const operation of this.router.getOperations()) {
      if (!operation.path.includes('{')) this.staticRoutes.set(`${operation.method} ${operation.path}`, operation);
    }
  }

  /** The operation for a method and path, if the spec has one. */
  match(method: string, path: string): ContractOperation | undefined {
    return (
      this.staticRoutes.get(`${method.toLowerCase()} ${path}`) ??
      this.router.matchOperation({ method, path, headers: {} })
    );
  }

  /** Methods the spec allows on a path (upper case); empty when the path is unknown. */
  allowedMethods(path: string): string[] {
    return this.router
      .getOperations()
      .filter((operation) => this.match(operation.method, path)?.operationId === operation.operationId)
      .map((operation) => operation.method.toUpperCase());
  }

  /** Media types an operation accepts for its body; empty when it takes none (derived once per operation). */
  acceptedMediaTypes(operation: ContractOperation): readonly string[] {
    return this.facts(operation).acceptedMediaTypes;
  }

  private readonly operationFacts = new Map<string, OperationFacts>();

  private facts(operation: ContractOperation): OperationFacts {
    const key = `${operation.method} ${operation.path}`;
    let facts = this.operationFacts.get(key);
    if (!facts) {
      const body = operation.requestBody;
      const acceptedMediaTypes = body && 'content' in body ? Object.keys(body.content) : [];
      // dereferenced by openapi-backend: no $ref left
      const parameters = (operation.parameters ?? []) as Parameter[];
      facts = {
        queryParameters: new Map(
          parameters.flatMap((parameter): [string, QueryParameterKind][] =>
            parameter.in === 'query'
              ? [
                  [
                    parameter.name,
                    parameter.schema && 'type' in parameter.schema && parameter.schema.type === 'array'
                      ? 'multi'
                      : 'single',
                  ],
                ]
              : [],
          ),
        ),
        acceptedMediaTypes,
        needsParsing:
          operation.path.includes('{') ||
          parameters.some(
            (parameter) =>
              parameter.in === 'cookie' ||
              (parameter.in === 'query' && (parameter.content !== undefined || parameter.explode === false)),
          ),
        onlyJson: acceptedMediaTypes.length === 1 && acceptedMediaTypes[0] === 'application/json',
      };
      this.operationFacts.set(key, facts);
    }
    return facts;
  }

  /**
   * Validates a request as openapi-backend's `validateRequest` does, given the event and its body as text: the
   * event is read into openapi-backend's Request (src/openapi-request.ts), then checked by the operation's
   * validators, which openapi-backend builds.
   */
  validate(operation: ContractOperation, event: APIGatewayProxyEvent, body: string | undefined): RequestVerdict {
    const facts = this.facts(operation);
    const request = toOpenApiRequest(event, body, facts.queryParameters);
    if (facts.needsParsing) {
      const { errors, coerced } = this.validator.validateRequest(request, operation);
      return { errors: errors ?? [], query: (coerced?.query ?? request.query) as Record<string, unknown> };
    }
    return this.validateUnparsed(operation, request, facts);
  }

  /**
   * `validateRequest` for an operation whose requests need none of openapi-backend's parsing: the same parameters
   * object, given to the same validators, without its per-request parsing (measured: ≈ 15 µs of CPU per request
   * against < 1 µs, where the whole warm budget is 10 µs). test/unit/contract-vs-openapi-backend.property.test.ts holds both ways to a stock
   * OpenAPIBackend's verdicts.
   */
  private validateUnparsed(operation: ContractOperation, request: Request, facts: OperationFacts): RequestVerdict {
    const errors: ErrorObject[] = [];
    const header: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) header[name.toLowerCase()] = value;
    const query = { ...(request.query as Record<string, unknown>) };
    const parameters: Record<string, unknown> = { path: {}, query, header, cookie: {} };
    if (request.body !== undefined) {
      let body: unknown = request.body;
      try {
        body = JSON.parse(request.body as string);
      } catch (error) {
        // left as text, as openapi-backend leaves it; a parse error when JSON is the only media type
        if (facts.onlyJson) {
          const message = (error as Error).message;
          errors.push({ keyword: 'parse', instancePath: '', schemaPath: '#/requestBody', params: [], message });
        }
      }
      const contentType = String(header['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      if (typeof body === 'object' || contentType === 'application/json') parameters.requestBody = body;
    }
    for (const validate of this.validator.getRequestValidatorsForOperation(operation.operationId as string) ?? []) {
      if (!validate(parameters)) errors.push(...(validate.errors ?? []));
    }
    return { errors, query };
  }
}

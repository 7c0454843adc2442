/**
 * The contract at run time: openapi-backend's router and validator over the document generated from
 * openapi/openapi.yaml, with request validators compiled at build time (src/api/precompiled-validators.ts). Routing,
 * validation and the facts derived from the spec (allowed methods, declared query parameters, accepted media types)
 * all come from here, never from hand-written lists.
 */
import type { ErrorObject } from 'ajv';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { OpenAPIRouter, OpenAPIValidator, type Operation, type Request } from 'openapi-backend';
import { runtimeDocument } from '../generated/runtime-document.js';
import { type QueryParameterKind, toOpenApiRequest } from './openapi-request.js';
import { AJV_OPTIONS, usePrecompiledValidators } from './precompiled-validators.js';

export type ContractOperation = Operation;
/** A parameter of an operation, dereferenced (openapi-backend's operations have no $ref left). */
type Parameter = Extract<NonNullable<Operation['parameters']>[number], { in: string }>;

/** A request's body as the request handler parsed it (JSON; see request-handler.ts), for validation to judge. */
export interface ParsedBody {
  readonly value: unknown;
}

/** What validation found, and the declared query parameters as the validators coerced them. */
export interface RequestVerdict {
  readonly errors: ErrorObject[];
  readonly query: Record<string, unknown>;
}

interface OperationFacts {
  readonly queryParameters: ReadonlyMap<string, QueryParameterKind>;
  /** Whether its requests need openapi-backend's parsing (path templates, cookies, JSON or delimited query values). */
  readonly needsParsing: boolean;
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
      };
      this.operationFacts.set(key, facts);
    }
    return facts;
  }

  /**
   * Validates a request as openapi-backend's `validateRequest` does, given the event and its body as the request
   * handler parsed it (undefined: no body): the event is read into openapi-backend's Request
   * (src/api/openapi-request.ts), then checked by the operation's validators, which openapi-backend builds. The body is
   * judged as JSON whatever its Content-Type said (the handler has already refused any other media type).
   */
  validate(operation: ContractOperation, event: APIGatewayProxyEvent, body: ParsedBody | undefined): RequestVerdict {
    const facts = this.facts(operation);
    if (facts.needsParsing) {
      // openapi-backend parses the body again here, told that it is JSON: the same verdict, on a rare path
      const json = body === undefined ? undefined : JSON.stringify(body.value);
      const request = toOpenApiRequest(event, json, facts.queryParameters);
      if (json !== undefined) request.headers = { ...request.headers, 'content-type': 'application/json' };
      const { errors, coerced } = this.validator.validateRequest(request, operation);
      return { errors: errors ?? [], query: (coerced?.query ?? request.query) as Record<string, unknown> };
    }
    return this.validateUnparsed(operation, toOpenApiRequest(event, undefined, facts.queryParameters), body);
  }

  /**
   * `validateRequest` for an operation whose requests need none of openapi-backend's parsing: the same parameters
   * object, given to the same validators, without its per-request parsing (measured: ≈ 15 µs of CPU per request
   * against < 1 µs, where the whole warm budget is 10 µs). test/unit/contract-vs-openapi-backend.property.test.ts holds both ways to a stock
   * OpenAPIBackend's verdicts.
   */
  private validateUnparsed(
    operation: ContractOperation,
    request: Request,
    body: ParsedBody | undefined,
  ): RequestVerdict {
    const errors: ErrorObject[] = [];
    const header: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) header[name.toLowerCase()] = value;
    const query = { ...(request.query as Record<string, unknown>) };
    const parameters: Record<string, unknown> = { path: {}, query, header, cookie: {} };
    if (body !== undefined) parameters.requestBody = body.value;
    for (const validate of this.validator.getRequestValidatorsForOperation(operation.operationId as string) ?? []) {
      if (!validate(parameters)) errors.push(...(validate.errors ?? []));
    }
    return { errors, query };
  }
}

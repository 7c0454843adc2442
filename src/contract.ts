/**
 * The contract at run time: openapi-backend's router and validator over the document generated from
 * openapi/openapi.yaml, with request validators compiled at build time (src/precompiled-validators.ts). Routing,
 * validation and the facts derived from the spec (allowed methods, declared query parameters, accepted media types)
 * all come from here, never from hand-written lists.
 */
import type { ErrorObject } from 'ajv';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { OpenAPIRouter, OpenAPIValidator, type Operation } from 'openapi-backend';
import { runtimeDocument } from './generated/runtime-document.js';
import { type QueryParameterKind, toOpenApiRequest } from './openapi-request.js';
import { AJV_OPTIONS, usePrecompiledValidators } from './precompiled-validators.js';

export type ContractOperation = Operation;

/** What validation found, and the declared query parameters as the validators coerced them. */
export interface RequestVerdict {
  readonly errors: ErrorObject[];
  readonly query: Record<string, unknown>;
}

interface OperationFacts {
  readonly queryParameters: ReadonlyMap<string, QueryParameterKind>;
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

  /** Names of the query parameters an operation declares (derived once per operation). */
  queryParameterNames(operation: ContractOperation): ReadonlySet<string> {
    return new Set(this.facts(operation).queryParameters.keys());
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
      facts = {
        queryParameters: new Map(
          (operation.parameters ?? []).flatMap((parameter): [string, QueryParameterKind][] =>
            'in' in parameter && parameter.in === 'query'
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
        acceptedMediaTypes: body && 'content' in body ? Object.keys(body.content) : [],
      };
      this.operationFacts.set(key, facts);
    }
    return facts;
  }

  /**
   * Validates a request with openapi-backend's own `validateRequest` (its parsing of path, query, headers, cookies
   * and body, then the operation's validators), given the event and its body as text.
   */
  validate(operation: ContractOperation, event: APIGatewayProxyEvent, body: string | undefined): RequestVerdict {
    const request = toOpenApiRequest(event, body, this.facts(operation).queryParameters);
    const { errors, coerced } = this.validator.validateRequest(request, operation);
    return { errors: errors ?? [], query: (coerced?.query ?? request.query) as Record<string, unknown> };
  }
}

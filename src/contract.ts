/**
 * The contract at run time: openapi-backend's router and validator over the document generated from
 * openapi/openapi.yaml, with request validators compiled at build time (src/precompiled-validators.ts). Routing,
 * validation and the facts derived from the spec (allowed methods, declared query parameters, accepted media types)
 * all come from here, never from hand-written lists.
 */
import type { ErrorObject } from 'ajv';
import { OpenAPIRouter, OpenAPIValidator, type Operation } from 'openapi-backend';
import { runtimeDocument } from './generated/runtime-document.js';
import { AJV_OPTIONS, usePrecompiledValidators } from './precompiled-validators.js';

export type ContractOperation = Operation;

/** A request as the validators see it: query and headers as strings, the body already parsed from JSON. */
export interface RequestToValidate {
  readonly path: string;
  readonly query: Record<string, unknown>;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

interface OperationFacts {
  readonly queryParameterNames: ReadonlySet<string>;
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
    return this.facts(operation).queryParameterNames;
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
        queryParameterNames: new Set(
          (operation.parameters ?? []).flatMap((parameter) =>
            'in' in parameter && parameter.in === 'query' ? [parameter.name] : [],
          ),
        ),
        acceptedMediaTypes: body && 'content' in body ? Object.keys(body.content) : [],
      };
      this.operationFacts.set(key, facts);
    }
    return facts;
  }

  /**
   * Validates a request with openapi-backend's validators for the operation (the same ones `validateRequest`
   * runs), given the parts openapi-backend's request parsing would produce. The body is parsed once, by the caller.
   */
  validate(operation: ContractOperation, request: RequestToValidate): ErrorObject[] {
    const validators = this.validator.getRequestValidatorsForOperation(operation.operationId as string) ?? [];
    const needsParsing = operation.path.includes('{') || this.hasParameterIn(operation, 'cookie');
    const parsed = needsParsing
      ? this.router.parseRequest({ method: operation.method, path: request.path, headers: request.headers }, operation)
      : undefined;
    const parameters = {
      path: parsed?.params ?? {},
      query: request.query,
      header: request.headers,
      cookie: parsed?.cookies ?? {},
      requestBody: request.body,
    };
    const errors: ErrorObject[] = [];
    for (const validate of validators) {
      if (!validate(parameters)) errors.push(...(validate.errors ?? []));
    }
    return errors;
  }

  private hasParameterIn(operation: ContractOperation, location: string): boolean {
    return (operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === location);
  }
}

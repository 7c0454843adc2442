/**
 * The contract at run time: openapi-backend's router and validator over the document generated from
 * openapi/openapi.yaml. Routing, validation and the facts derived from the spec (allowed methods, declared
 * query parameters, accepted media types) all come from here, never from hand-written lists.
 */
import { OpenAPIRouter, OpenAPIValidator, type Operation, type Request } from 'openapi-backend';
import { openapiDocument } from './generated/openapi-document.js';

export type ContractOperation = Operation;

export class Contract {
  readonly router: OpenAPIRouter;
  readonly validator: OpenAPIValidator;

  constructor(definition = openapiDocument) {
    this.router = new OpenAPIRouter({ definition });
    this.validator = new OpenAPIValidator({
      definition,
      router: this.router,
      // compile each operation's validators on first use, and never the response validators in production
      lazyCompileValidators: true,
      // verbose errors carry the failing schema, whose x-pattern-message explains a pattern to people
      ajvOpts: { verbose: true },
    });
  }

  /** The operation for a method and path, if the spec has one. */
  match(method: string, path: string): ContractOperation | undefined {
    return this.router.matchOperation({ method, path, headers: {} });
  }

  /** Methods the spec allows on a path (upper case); empty when the path is unknown. */
  allowedMethods(path: string): string[] {
    return this.router
      .getOperations()
      .filter((operation) => this.match(operation.method, path)?.operationId === operation.operationId)
      .map((operation) => operation.method.toUpperCase());
  }

  /** Names of the query parameters an operation declares. */
  queryParameterNames(operation: ContractOperation): Set<string> {
    const names = new Set<string>();
    for (const parameter of operation.parameters ?? []) {
      if ('in' in parameter && parameter.in === 'query') names.add(parameter.name);
    }
    return names;
  }

  /** Media types an operation accepts for its body; empty when it takes none. */
  acceptedMediaTypes(operation: ContractOperation): string[] {
    const body = operation.requestBody;
    return body && 'content' in body ? Object.keys(body.content) : [];
  }

  validateRequest(request: Request, operation: ContractOperation) {
    return this.validator.validateRequest(request, operation);
  }
}

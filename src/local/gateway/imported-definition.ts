/**
 * The OpenAPI body API Gateway imports (src/generated/gateway-definition.ts, written from infra/), read as API Gateway
 * reads it: which resource and method a request reaches, what the method requires (an API key, parameters), which
 * validator it names, and the gateway responses. Only the parts the local gateway layer applies are typed here; the
 * rest (models' descriptions, responses) is what API Gateway keeps for documentation.
 */

/** The integration URI the generated definition carries instead of the live alias's ARN. */
export const LOCAL_INTEGRATION_URI = 'local:the-api-handler';

export interface GatewayParameter {
  readonly name: string;
  readonly in: 'query' | 'header' | 'path';
  readonly required?: boolean;
}

export interface GatewayOperation {
  readonly operationId?: string;
  readonly parameters?: readonly GatewayParameter[];
  readonly requestBody?: {
    readonly required?: boolean;
    readonly content: Readonly<Record<string, { readonly schema: object }>>;
  };
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly 'x-amazon-apigateway-request-validator'?: string;
  readonly 'x-amazon-apigateway-integration'?: { readonly type: string; readonly uri: string };
}

export interface GatewayResponseDefinition {
  readonly statusCode?: string;
  readonly responseParameters?: Readonly<Record<string, string>>;
  readonly responseTemplates?: Readonly<Record<string, string>>;
}

export interface RequestValidator {
  readonly validateRequestBody?: boolean;
  readonly validateRequestParameters?: boolean;
}

export interface GatewayDefinition {
  readonly paths: Readonly<Record<string, Readonly<Record<string, GatewayOperation>>>>;
  readonly components?: {
    readonly securitySchemes?: Readonly<
      Record<string, { readonly type: string; readonly name?: string; readonly in?: string }>
    >;
  };
  readonly 'x-amazon-apigateway-api-key-source'?: string;
  readonly 'x-amazon-apigateway-request-validators'?: Readonly<Record<string, RequestValidator>>;
  readonly 'x-amazon-apigateway-request-validator'?: string;
  readonly 'x-amazon-apigateway-gateway-responses'?: Readonly<Record<string, GatewayResponseDefinition>>;
}

/** What a request reached: a method of a resource (or its any-method), with the resource's path parameters. */
export interface GatewayRoute {
  /** The resource's path as the definition has it (`/customers`, `/customers/{id}`). */
  readonly resource: string;
  readonly method: string;
  readonly operation: GatewayOperation;
  readonly pathParameters: Readonly<Record<string, string>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
const ANY_METHOD = 'x-amazon-apigateway-any-method';

/**
 * The resource and method API Gateway routes `method path` to, or undefined (MISSING_AUTHENTICATION_TOKEN): a
 * resource's own method wins over its any-method. One trailing slash is ignored, as API Gateway ignores it (the
 * Lambda still sees the path as sent): aws-powertools/powertools-lambda-python#1552. A `{name}` segment matches one
 * non-empty segment; literal segments win over templated ones. Greedy `{proxy+}` resources are not in this API's
 * definitions and are not matched.
 */
export function routeOf(definition: GatewayDefinition, method: string, path: string): GatewayRoute | undefined {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const segments = trimmed.split('/');
  let best: { resource: string; pathParameters: Record<string, string>; literals: number } | undefined;
  for (const resource of Object.keys(definition.paths)) {
    const templated = resource.split('/');
    if (templated.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let literals = 0;
    const matches = templated.every((part, index) => {
      const segment = segments[index] as string;
      const name = /^\{([^}+]+)\}$/.exec(part)?.[1];
      if (name === undefined) {
        literals += 1;
        return part === segment;
      }
      if (segment === '') return false;
      pathParameters[name] = safeDecode(segment);
      return true;
    });
    if (matches && (best === undefined || literals > best.literals)) best = { resource, pathParameters, literals };
  }
  if (best === undefined) return undefined;
  const item = definition.paths[best.resource] ?? {};
  const own = method.toLowerCase();
  const operation = (METHODS as readonly string[]).includes(own) ? item[own] : undefined;
  if (operation !== undefined)
    return { resource: best.resource, method: own, operation, pathParameters: best.pathParameters };
  const any = item[ANY_METHOD];
  if (any !== undefined)
    return { resource: best.resource, method: ANY_METHOD, operation: any, pathParameters: best.pathParameters };
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

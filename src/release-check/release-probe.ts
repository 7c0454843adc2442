/**
 * What the release checks send a new version, and the verdicts on its answers, all read from the spec
 * (src/generated/openapi-document.ts) when the check runs: for every operation of openapi/openapi.yaml,
 * - a lookup for each safe one (GET, HEAD), with the probe's own id where the parameter's schema takes it, else the
 *   parameter's first example: a documented 2xx, its media type, its declared headers, a body of its schema;
 * - a request each write must refuse (400) without writing: its first body example without the properties the schema
 *   requires, or, when its body cannot be made invalid so, the request without a required parameter;
 * - a CORS preflight for each method, passed when it allows exactly the methods the spec lists on the path.
 * The pre-traffic check (pre-traffic-check.ts) sends them as proxy events to the version; the post-traffic check
 * (post-traffic-check.ts) over HTTP through the stage. Pure: no AWS call here, so verdicts are tested on answers of
 * every kind. Light on purpose (it runs in a small Lambda): the body check reads the JSON Schema keywords the spec's
 * responses use (type, required, properties, additionalProperties, enum, items, lengths, pattern), not all of them.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { openapiDocument } from '../generated/openapi-document.js';
import { API_KEY_HEADER } from '../shared/api-key-scheme.js';
import { HTTP_METHODS, type HttpMethod, SAFE_METHODS } from '../shared/http-methods.js';
import { anonymousIdentity } from '../shared/proxy-identity.js';

/** The id the pre-traffic lookups ask for. Any valid id will do: a lookup is a 200 whether or not the id is stored. */
export const PROBE_CUSTOMER_ID = 'pre-traffic-check-probe';

/** What Lambda's Invoke answered: its status, the `X-Amz-Function-Error` header, and the payload as text. */
export interface InvokeAnswer {
  readonly statusCode: number;
  /** `Unhandled` when the function threw or timed out. */
  readonly functionError?: string | undefined;
  readonly payload: string;
}

export type ProbeVerdict = { readonly passed: true } | { readonly passed: false; readonly reason: string };

/** One request of a release check, before it is addressed to a version (an Invoke) or a stage (HTTP). */
export interface SpecProbe {
  /** Says what is sent, e.g. `getCustomer: GET /customers lookup`, to name it in a failed verdict. */
  readonly name: string;
  readonly kind: 'lookup' | 'refused write' | 'preflight';
  /** Upper case. */
  readonly method: string;
  /** The path as sent (path parameters filled in). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  /** The verdict on the proxy response the version (or the stage) answered with. */
  readonly judge: (answer: InvokeAnswer) => ProbeVerdict;
}

/** A JSON Schema as the spec's (dereferenced) document has it. */
interface Schema {
  readonly type?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly example?: unknown;
}
interface Examples {
  readonly example?: unknown;
  readonly examples?: Readonly<Record<string, { readonly value?: unknown }>>;
}
interface MediaType extends Examples {
  readonly schema?: Schema;
}
interface Parameter extends Examples {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: Schema;
}
interface Response {
  readonly headers?: Readonly<Record<string, { readonly schema?: Schema }>>;
  readonly content?: Readonly<Record<string, MediaType>>;
}
interface Operation {
  readonly operationId?: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Readonly<Record<string, MediaType>> };
  readonly responses?: Readonly<Record<string, Response>>;
}
/** The part of an OpenAPI document the probes read. */
export interface ProbedDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface SpecProbeOptions {
  /** The value sent for a parameter whose schema takes it. @default PROBE_CUSTOMER_ID */
  readonly probeId?: string;
  /** @default 'customers-api-pre-traffic-check' */
  readonly userAgent?: string;
  /** @default the spec (src/generated/openapi-document.ts) */
  readonly document?: ProbedDocument;
}

/**
 * Every probe of the spec, in order: the lookups, the refused writes, the preflights. Throws, naming the operation
 * and what is missing, when one cannot be probed (a parameter without an example the probe could send, a write that
 * cannot be made invalid): a new operation does not go unprobed.
 */
export function specProbes(options: SpecProbeOptions = {}): SpecProbe[] {
  const {
    probeId = PROBE_CUSTOMER_ID,
    userAgent = 'customers-api-pre-traffic-check',
    document = openapiDocument as unknown as ProbedDocument,
  } = options;
  const base = { accept: 'application/json', 'user-agent': userAgent };
  const lookups: SpecProbe[] = [];
  const writes: SpecProbe[] = [];
  const preflights: SpecProbe[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const methods = HTTP_METHODS.filter((method) => method !== 'options' && method in item);
    for (const method of methods) {
      const operation = item[method] as Operation;
      const what = `${operation.operationId ?? `${method.toUpperCase()} ${path}`}`;
      const parameters = operation.parameters ?? [];
      const values = new Map(parameters.map((parameter) => [parameter, parameterValue(parameter, probeId, what)]));
      if (SAFE_METHODS.has(method)) {
        const request = requestWith(path, parameters, values, { ...base });
        lookups.push({
          name: `${what}: ${method.toUpperCase()} ${path} lookup`,
          kind: 'lookup',
          method: method.toUpperCase(),
          ...request,
          body: null,
          judge: (answer) => judgeLookup(answer, operation, request.query),
        });
      } else {
        writes.push(refusedWrite(what, method, path, operation, parameters, values, base));
      }
      preflights.push({
        name: `CORS preflight for ${method.toUpperCase()} ${path}`,
        kind: 'preflight',
        method: 'OPTIONS',
        path,
        query: {},
        headers: {
          ...base,
          origin: 'https://release-check.invalid',
          'access-control-request-method': method.toUpperCase(),
          'access-control-request-headers': `content-type,${API_KEY_HEADER}`,
        },
        body: null,
        judge: (answer) => judgePreflight(answer, method, methods),
      });
    }
  }
  return [...lookups, ...writes, ...preflights];
}

/**
 * The method and path of each probe sent with credentials (the lookups and refused writes; a preflight needs none):
 * what the post-traffic check's role must be allowed to invoke at the stage (`-c auth=iam`).
 */
export function credentialedRoutes(options: SpecProbeOptions = {}): { method: string; path: string }[] {
  const routes = specProbes(options)
    .filter((probe) => probe.kind !== 'preflight')
    .map(({ method, path }) => `${method} ${path}`);
  return [...new Set(routes)].map((route) => {
    const [method = '', path = ''] = route.split(' ');
    return { method, path };
  });
}

/** One request of the pre-traffic check: a probe as the REST API (v1) proxy event API Gateway would send. */
export interface ReleaseProbe {
  readonly name: string;
  readonly event: APIGatewayProxyEvent;
  readonly judge: (answer: InvokeAnswer) => ProbeVerdict;
}

/** What the pre-traffic check sends the new version, in order (see specProbes). None writes. */
export function releaseProbes(stage = 'prod', options: SpecProbeOptions = {}): readonly ReleaseProbe[] {
  return specProbes(options).map((probe) => ({
    name: probe.name,
    event: proxyEvent(probe, stage),
    judge: probe.judge,
  }));
}

/** A probe as the REST API (v1) proxy event API Gateway sends the function. */
export function proxyEvent(probe: SpecProbe, stage = 'prod'): APIGatewayProxyEvent {
  const { method: httpMethod, path, query, headers, body } = probe;
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: path,
    path,
    httpMethod,
    headers: { ...headers },
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: hasQuery ? { ...query } : null,
    multiValueQueryStringParameters: hasQuery
      ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]]))
      : null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '',
      apiId: 'pre-traffic-check',
      authorizer: null,
      domainName: '',
      httpMethod,
      identity: anonymousIdentity('127.0.0.1', headers['user-agent'] ?? null),
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: `pre-traffic-check-${Date.now()}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'pre-traffic-check',
      resourcePath: path,
      stage,
    },
  };
}

/** The first lookup of the spec as a proxy event (GET /customers?id=<id>), for a test to send a version itself. */
export function probeEvent(id: string = PROBE_CUSTOMER_ID, stage = 'prod'): APIGatewayProxyEvent {
  const [lookup] = specProbes({ probeId: id }).filter((probe) => probe.kind === 'lookup');
  if (!lookup) throw new Error('the spec has no safe operation to look anything up with');
  return proxyEvent(lookup, stage);
}

/** The verdict of the first lookup of the spec, for the answer to probeEvent(id). */
export function judgeProbeAnswer(answer: InvokeAnswer, id: string = PROBE_CUSTOMER_ID): ProbeVerdict {
  const [lookup] = specProbes({ probeId: id }).filter((probe) => probe.kind === 'lookup');
  if (!lookup) throw new Error('the spec has no safe operation to look anything up with');
  return lookup.judge(answer);
}

/** A parameter's value in a probe: the probe id where the schema takes it, else the parameter's first example. */
function parameterValue(parameter: Parameter, probeId: string, what: string): string | undefined {
  if (conforms(parameter.schema ?? {}, probeId) === undefined) return probeId;
  const example = firstExample(parameter) ?? parameter.schema?.example;
  if (example !== undefined) return String(example);
  if (parameter.required) throw new Error(`${what}: parameter ${parameter.name} has no example for the release probes`);
  return undefined;
}

/** The path, query and headers of a request with the parameters' values (`omit`: a parameter left out). */
function requestWith(
  path: string,
  parameters: readonly Parameter[],
  values: ReadonlyMap<Parameter, string | undefined>,
  headers: Record<string, string>,
  omit?: Parameter,
): { path: string; query: Record<string, string>; headers: Record<string, string> } {
  const query: Record<string, string> = {};
  let filled = path;
  for (const parameter of parameters) {
    const value = values.get(parameter);
    // only what a valid request needs: a required parameter, or a path segment
    if (parameter === omit || value === undefined || !(parameter.required || parameter.in === 'path')) continue;
    if (parameter.in === 'query') query[parameter.name] = value;
    else if (parameter.in === 'header') headers[parameter.name.toLowerCase()] = value;
    else if (parameter.in === 'path') filled = filled.replace(`{${parameter.name}}`, encodeURIComponent(value));
  }
  return { path: filled, query, headers };
}

/**
 * A request the write must refuse with 400, writing nothing: its first body example without the properties its
 * schema requires; or, when the body cannot be made invalid so, the request without a required parameter.
 */
function refusedWrite(
  what: string,
  method: HttpMethod,
  path: string,
  operation: Operation,
  parameters: readonly Parameter[],
  values: ReadonlyMap<Parameter, string | undefined>,
  base: Record<string, string>,
): SpecProbe {
  const label = `${what}: ${method.toUpperCase()} ${path}`;
  const [mediaType, media] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
  const required = media?.schema?.required ?? [];
  const example = media ? (firstExample(media) ?? media.schema?.example) : undefined;
  const judge = (answer: InvokeAnswer) => judgeRefusal(answer, operation, method);
  if (mediaType && required.length > 0 && isObject(example)) {
    const body = Object.fromEntries(Object.entries(example).filter(([name]) => !required.includes(name)));
    const request = requestWith(path, parameters, values, { ...base, 'content-type': mediaType });
    const name = `${label} without ${required.join(', ')}`;
    return { name, kind: 'refused write', method: method.toUpperCase(), ...request, body: JSON.stringify(body), judge };
  }
  const missing = parameters.find((parameter) => parameter.required && parameter.in !== 'path');
  if (missing) {
    const headers = mediaType ? { ...base, 'content-type': mediaType } : { ...base };
    const request = requestWith(path, parameters, values, headers, missing);
    const body = example === undefined ? null : JSON.stringify(example);
    const name = `${label} without ${missing.name}`;
    return { name, kind: 'refused write', method: method.toUpperCase(), ...request, body, judge };
  }
  throw new Error(
    `${what}: no request it must refuse can be built for the release probes (give its body a required property and ` +
      'an example, or it a required parameter)',
  );
}

/** A documented 2xx of the operation, of its media type and declared headers, with a body of its schema. */
function judgeLookup(
  answer: InvokeAnswer,
  operation: Operation,
  query: Readonly<Record<string, string>>,
): ProbeVerdict {
  const fail = (reason: string): ProbeVerdict => ({ passed: false, reason });
  const response = proxyResponse(answer);
  if (typeof response === 'string') return fail(response);
  const successes = Object.keys(operation.responses ?? {}).filter((status) => /^2\d\d$/.test(status));
  const status = String(response.statusCode);
  const documented = operation.responses?.[status];
  if (!successes.includes(status) || !documented)
    return fail(`the lookup was answered ${status}, not ${successes.join(' or ')}`);
  const headers = isObject(response.headers) ? lowerCaseKeys(response.headers) : {};
  const headerProblem = undeclaredHeaderValue(documented, headers);
  if (headerProblem) return fail(headerProblem);
  const [mediaType, media] = Object.entries(documented.content ?? {})[0] ?? [];
  if (!mediaType) return { passed: true };
  if (!String(headers['content-type'] ?? '').startsWith(mediaType))
    return fail(`Content-Type is ${JSON.stringify(headers['content-type'])}, not ${mediaType}`);
  if (response.isBase64Encoded === true) return fail('the body is base64-encoded, not JSON text');
  const body = typeof response.body === 'string' ? parseJson(response.body) : undefined;
  const schema = media?.schema ?? {};
  const problem = body === undefined ? 'not JSON' : conforms(schema, body);
  if (problem !== undefined) return fail(`the body is not ${shape(schema)} (${problem}): ${String(response.body)}`);
  // a value sent that the answer names under the same name must be the one sent
  for (const [name, sent] of Object.entries(query)) {
    if (isObject(body) && name in body && body[name] !== sent)
      return fail(`the body names ${name} ${JSON.stringify(body[name])}, not ${JSON.stringify(sent)}`);
  }
  return { passed: true };
}

/**
 * Declared headers a lookup's answer must carry, with a value of their schema. Not those sent only to some requests:
 * CORS headers (the probe sends no Origin), `Vary` (sent when the allowed origins are a list), `Retry-After`.
 */
function undeclaredHeaderValue(response: Response, headers: Record<string, unknown>): string | undefined {
  for (const [declared, { schema = {} } = {}] of Object.entries(response.headers ?? {})) {
    const name = declared.toLowerCase();
    const value = headers[name];
    if (value === undefined && /^(?:access-control-.*|vary|retry-after)$/.test(name)) continue;
    if (value === undefined) return `${declared} is missing`;
    const text = String(value);
    const problem = conforms(schema, schema.type === 'integer' || schema.type === 'number' ? Number(text) : text, 'it');
    if (problem !== undefined) return `${declared} is ${JSON.stringify(text)}: ${problem}`;
  }
  return undefined;
}

/** The refused write: a 400 with the body the spec documents for it (the error shape, `{message}`). */
function judgeRefusal(answer: InvokeAnswer, operation: Operation, method: HttpMethod): ProbeVerdict {
  const response = proxyResponse(answer);
  if (typeof response === 'string') return { passed: false, reason: response };
  const what = `a ${method.toUpperCase()} the spec refuses`;
  if (response.statusCode !== 400)
    return { passed: false, reason: `${what} was answered ${String(response.statusCode)}, not 400` };
  const schema = Object.values(operation.responses?.['400']?.content ?? {})[0]?.schema ?? {};
  const body = typeof response.body === 'string' ? parseJson(response.body) : undefined;
  const problem = body === undefined ? 'not JSON' : conforms(schema, body);
  if (problem !== undefined)
    return { passed: false, reason: `the refusal is not ${shape(schema)} (${problem}): ${String(response.body)}` };
  return { passed: true };
}

/** A 2xx that allows exactly the methods the spec lists on the path (and OPTIONS), `method` among them. */
function judgePreflight(answer: InvokeAnswer, method: HttpMethod, listed: readonly HttpMethod[]): ProbeVerdict {
  const response = proxyResponse(answer);
  if (typeof response === 'string') return { passed: false, reason: response };
  const status = Number(response.statusCode);
  if (!(status >= 200 && status < 300))
    return { passed: false, reason: `the preflight was answered ${String(response.statusCode)}, not 2xx` };
  const headers = isObject(response.headers) ? lowerCaseKeys(response.headers) : {};
  const allowed = String(headers['access-control-allow-methods'] ?? '')
    .split(',')
    .map((name) => name.trim().toUpperCase())
    .filter((name) => name !== '');
  const expected = listed.map((name) => name.toUpperCase());
  const missing = [method.toUpperCase(), ...expected].find((name) => !allowed.includes(name));
  if (missing) return { passed: false, reason: `the preflight allows ${JSON.stringify(allowed)}, not ${missing}` };
  const extra = allowed.find((name) => name !== 'OPTIONS' && !expected.includes(name));
  if (extra)
    return { passed: false, reason: `the preflight allows ${extra}, which the spec does not list on this path` };
  return { passed: true };
}

/** The proxy response inside a successful Invoke, or why there is none. */
function proxyResponse(answer: InvokeAnswer): Record<string, unknown> | string {
  if (answer.statusCode !== 200) return `Lambda Invoke answered ${answer.statusCode}`;
  if (answer.functionError) return `the function failed (${answer.functionError}): ${answer.payload}`;
  const response = parseJson(answer.payload);
  return isObject(response) ? response : 'the function returned no proxy response';
}

/** Why `value` does not match `schema` (the keywords listed in this module's header), or undefined when it does. */
export function conforms(schema: Schema, value: unknown, at = 'body'): string | undefined {
  if (schema.enum && !schema.enum.some((allowed) => allowed === value))
    return `${at} is not one of ${JSON.stringify(schema.enum)}`;
  switch (schema.type) {
    case 'object': {
      if (!isObject(value)) return `${at} is not an object`;
      const missing = (schema.required ?? []).find((name) => !(name in value));
      if (missing !== undefined) return `${at}.${missing} is missing`;
      for (const [name, property] of Object.entries(value)) {
        const propertySchema = schema.properties?.[name];
        if (propertySchema) {
          const problem = conforms(propertySchema, property, `${at}.${name}`);
          if (problem) return problem;
        } else if (schema.additionalProperties === false) return `${at}.${name} is not in the spec`;
      }
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(value)) return `${at} is not an array`;
      for (const [index, item] of value.entries()) {
        const problem = schema.items ? conforms(schema.items, item, `${at}[${index}]`) : undefined;
        if (problem) return problem;
      }
      return undefined;
    }
    case 'string': {
      if (typeof value !== 'string') return `${at} is not a string`;
      const length = [...value].length;
      if (length < (schema.minLength ?? 0) || length > (schema.maxLength ?? Number.POSITIVE_INFINITY))
        return `${at} has ${length} characters`;
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
        return `${at} does not match its pattern`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${at} is not a boolean`;
    case 'integer':
      return Number.isInteger(value) ? undefined : `${at} is not an integer`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${at} is not a number`;
    default:
      return undefined;
  }
}

/** `{a, b}`: an object schema by its required properties, for a reason a person reads. */
function shape(schema: Schema): string {
  return schema.type === 'object' ? `{${(schema.required ?? []).join(', ')}}` : (schema.type ?? 'the documented body');
}

function firstExample(source: Examples): unknown {
  if (source.examples) return Object.values(source.examples)[0]?.value;
  return source.example;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function lowerCaseKeys(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

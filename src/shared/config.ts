/**
 * Configuration, read from the environment in this one place. Every setting has a default; a bad value fails
 * fast with a message that names the variable, the value and what is expected.
 */
import { DEFAULT_TABLE_NAME } from './customer-table.js';

type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings of the request handler, the same in the Lambda and in the local server. */
export interface HandlerConfig {
  /** DynamoDB table holding the ids. `TABLE_NAME`, default `customer_ids`. */
  readonly tableName: string;
  /** Origins allowed to call the API from a browser; `*` for any. `CORS_ALLOWED_ORIGINS`, comma-separated, default `*`. */
  readonly corsAllowedOrigins: readonly string[];
  /** `LOG_LEVEL`: debug, info, warn, error or silent; default `info`. */
  readonly logLevel: LogLevel;
  /** Time allowed for one DynamoDB attempt, ms. `DYNAMODB_REQUEST_TIMEOUT_MS`, default 2000. */
  readonly dynamoDbRequestTimeoutMs: number;
  /** Time allowed to open a connection to DynamoDB, ms. `DYNAMODB_CONNECT_TIMEOUT_MS`, default 1000. */
  readonly dynamoDbConnectTimeoutMs: number;
  /** Attempts per DynamoDB call, first one included. `DYNAMODB_MAX_ATTEMPTS`, default 3. */
  readonly dynamoDbMaxAttempts: number;
}

/** Settings of the local server (`npm start`). */
export interface LocalServerConfig extends HandlerConfig {
  /** `PORT`, default 3000 (0 picks a free port). */
  readonly port: number;
  /** `HOST`, the address to listen on; default `127.0.0.1`. */
  readonly host: string;
  /** Folder of the embedded DynamoDB's data, or `:memory:` to keep nothing. `DATA_DIR`, default `.data/dynamodb`. */
  readonly dataDir: string;
  /** `AWS_ENDPOINT_URL_DYNAMODB` (read by the AWS SDK itself): when set, no emulator is started. */
  readonly externalDynamoDbEndpoint: string | undefined;
  /**
   * API keys the server accepts in `x-api-key`. `API_KEYS`, comma-separated; default {@link DEFAULT_LOCAL_API_KEY}
   * (only while listening on a loopback address: a server others can reach needs keys of its own).
   */
  readonly apiKeys: readonly string[];
  /** Region of that endpoint. `AWS_REGION`, else `AWS_DEFAULT_REGION`; default `us-east-1` (a local one takes any). */
  readonly externalDynamoDbRegion: string;
  /**
   * Time a request's headers, and then its body, may take to arrive before a 408, ms. `REQUEST_TIMEOUT_MS`, 100 to
   * 29000 (API Gateway's integration timeout), default 10000.
   */
  readonly requestTimeoutMs: number;
}

/** The key `npm start` accepts when `API_KEYS` is not set; public, so only for a server on a loopback address. */
export const DEFAULT_LOCAL_API_KEY = 'customers-api-local-key';
/** API Gateway's rule for a key's value: 20 to 128 characters; here also printable ASCII with no space or comma. */
const API_KEY_PATTERN = /^[\x21-\x2b\x2d-\x7e]{20,128}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export const IN_MEMORY = ':memory:';

export function readHandlerConfig(env: Env = process.env): HandlerConfig {
  return {
    tableName: readTableName(env, 'TABLE_NAME', DEFAULT_TABLE_NAME),
    corsAllowedOrigins: readList(env, 'CORS_ALLOWED_ORIGINS', ['*']),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    dynamoDbRequestTimeoutMs: readInteger(env, 'DYNAMODB_REQUEST_TIMEOUT_MS', 2000, 1, 28_000),
    dynamoDbConnectTimeoutMs: readInteger(env, 'DYNAMODB_CONNECT_TIMEOUT_MS', 1000, 1, 28_000),
    dynamoDbMaxAttempts: readInteger(env, 'DYNAMODB_MAX_ATTEMPTS', 3, 1, 10),
  };
}

export function readLocalServerConfig(env: Env = process.env): LocalServerConfig {
  return {
    ...readHandlerConfig(env),
    port: readInteger(env, 'PORT', 3000, 0, 65_535),
    host: readString(env, 'HOST', '127.0.0.1'),
    dataDir: readString(env, 'DATA_DIR', '.data/dynamodb'),
    externalDynamoDbEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB?.trim() || undefined,
    apiKeys: readApiKeys(env, readString(env, 'HOST', '127.0.0.1')),
    externalDynamoDbRegion: readString(env, 'AWS_REGION', readString(env, 'AWS_DEFAULT_REGION', 'us-east-1')),
    requestTimeoutMs: readInteger(env, 'REQUEST_TIMEOUT_MS', 10_000, 100, 29_000),
  };
}

/** Settings of `npm run mock:stateful`: Prism's validating proxy in front of a local server kept in memory. */
export interface StatefulMockConfig {
  /**
   * The local server behind Prism: as `npm start` reads it (keys, table, CORS, log level), but on a free loopback
   * port, on the embedded DynamoDB in memory (PORT, HOST, DATA_DIR and AWS_ENDPOINT_URL_DYNAMODB are not read).
   */
  readonly server: LocalServerConfig;
  /** `MOCK_PORT`, where Prism listens on 127.0.0.1; default {@link DEFAULT_MOCK_PORT}, as `npm run mock`. */
  readonly mockPort: number;
}

export const DEFAULT_MOCK_PORT = 4010;

export function readStatefulMockConfig(env: Env = process.env): StatefulMockConfig {
  return {
    server: readLocalServerConfig({
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: IN_MEMORY,
      AWS_ENDPOINT_URL_DYNAMODB: undefined,
    }),
    mockPort: readInteger(env, 'MOCK_PORT', DEFAULT_MOCK_PORT, 0, 65_535),
  };
}

/** The variable naming the version the pre-traffic check probes (infra/release.ts sets it). */
export const TARGET_VERSION_ENV = 'TARGET_VERSION_ARN';

/**
 * The version the pre-traffic check (src/release-check/pre-traffic-check.ts) probes: `TARGET_VERSION_ARN`, which has no default.
 * Its shape is checked where it is split (src/release-check/release-hook-calls.ts), so that a bad one is also a failed check.
 */
export function readTargetVersionArn(env: Env = process.env): string {
  const arn = env[TARGET_VERSION_ENV]?.trim();
  if (!arn) {
    throw new ConfigError(
      `${TARGET_VERSION_ENV} must be set to the ARN of the Lambda version to check (infra/release.ts sets it)`,
    );
  }
  return arn;
}

/**
 * The region a Lambda function runs in: `AWS_REGION`, which Lambda always sets (the pre-traffic check tells
 * CodeDeploy its verdict there). Read apart from the version, so that a check without one can still report it failed.
 * Default: none (empty), the AWS SDK's own resolution.
 */
export function readFunctionRegion(env: Env = process.env): string {
  return readString(env, 'AWS_REGION', '');
}

/** The variables naming what the post-traffic check (src/release-check/post-traffic-check.ts) checks; infra/release.ts sets them. */
export const ALIAS_ARN_ENV = 'ALIAS_ARN';
export const AUTH_MODE_ENV = 'AUTH_MODE';
export const API_KEY_ID_ENV = 'API_KEY_ID';
export const PROBE_ROUTE_ENV = 'PROBE_ROUTE';
/**
 * How the post-traffic check reaches the new version: `stage`, the stage's public URL as clients call it; or
 * `testInvoke`, API Gateway's TestInvokeMethod through the management API (strict's VPC reaches no stage URL).
 */
export const POST_TRAFFIC_PROBE_ROUTES = ['stage', 'testInvoke'] as const;
/** The stage API Gateway names in the source ARN of a TestInvokeMethod call. */
export const TEST_INVOKE_STAGE = 'test-invoke-stage';

/** How the stage's callers authenticate, as the post-traffic check must. */
export const POST_TRAFFIC_AUTH_MODES = ['apiKey', 'iam', 'none'] as const;

/** Settings of the post-traffic check (src/release-check/post-traffic-check.ts). */
export interface PostTrafficCheckConfig {
  /**
   * `ALIAS_ARN`: the alias API Gateway calls (`…:function:NAME:live`). The stack cannot hand the check the stage's
   * URL (the API refers to the alias, which waits for this check: a cycle), so the check reads it from the alias's
   * resource policy. No default: without it the check reports itself failed.
   */
  readonly aliasArn: string;
  /** `AUTH_MODE`: `apiKey`, `iam` or `none`; default `none`. */
  readonly authMode: (typeof POST_TRAFFIC_AUTH_MODES)[number];
  /** `API_KEY_ID`, with `apiKey`: the id of the key the check sends (its value is read at run time, never stored). */
  readonly apiKeyId: string | undefined;
  /** `AWS_REGION`, as {@link readFunctionRegion}. */
  readonly region: string;
  /** `AWS_ENDPOINT_URL_API_GATEWAY`: API Gateway's endpoint; default its regional one (`https://apigateway.<region>.amazonaws.com`). */
  readonly apiGatewayEndpoint: string;
  /** `PROBE_ROUTE`: `stage` (default) or `testInvoke`. */
  readonly route: (typeof POST_TRAFFIC_PROBE_ROUTES)[number];
}

export function readPostTrafficCheckConfig(env: Env = process.env): PostTrafficCheckConfig {
  const region = readFunctionRegion(env);
  return {
    aliasArn: readString(env, ALIAS_ARN_ENV, ''),
    authMode: readChoice(env, AUTH_MODE_ENV, POST_TRAFFIC_AUTH_MODES, 'none'),
    apiKeyId: env[API_KEY_ID_ENV]?.trim() || undefined,
    region,
    apiGatewayEndpoint: readString(env, 'AWS_ENDPOINT_URL_API_GATEWAY', `https://apigateway.${region}.amazonaws.com`),
    route: readChoice(env, PROBE_ROUTE_ENV, POST_TRAFFIC_PROBE_ROUTES, 'stage'),
  };
}

function readApiKeys(env: Env, host: string): readonly string[] {
  const keys = readList(env, 'API_KEYS', []);
  if (keys.length === 0) {
    if (LOOPBACK_HOSTS.has(host)) return [DEFAULT_LOCAL_API_KEY];
    throw new ConfigError(
      `API_KEYS must be set when HOST is not a loopback address (HOST is '${host}'): the default key is public`,
    );
  }
  keys.forEach((key, index) => {
    // The message names the position, never the key.
    if (!API_KEY_PATTERN.test(key)) {
      throw new ConfigError(
        `API_KEYS: key ${index + 1} must be 20 to 128 printable ASCII characters without spaces or commas`,
      );
    }
  });
  return keys;
}

function readString(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

/** DynamoDB's rule for table names: 3 to 255 letters, digits, `_`, `.` or `-`. */
const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

function readTableName(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!TABLE_NAME_PATTERN.test(value)) {
    throw new ConfigError(
      `${name} must be a DynamoDB table name, 3 to 255 letters, digits, '_', '.' or '-', got '${value}' ` +
        `(unset it to use '${fallback}')`,
    );
  }
  return value;
}

function readList(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const items = (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : fallback;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** One of `choices`, matched without regard to case (each choice is given as it is spelled in `choices`). */
function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const choice = choices.find((candidate) => candidate.toLowerCase() === raw.toLowerCase());
  if (choice === undefined) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got '${raw}'`);
  }
  return choice;
}

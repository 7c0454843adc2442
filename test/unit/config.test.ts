import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  IN_MEMORY,
  readFunctionRegion,
  readHandlerConfig,
  readLocalServerConfig,
  readPostTrafficCheckConfig,
  readPurgeConfig,
  readStatefulMockConfig,
  readTargetVersionArn,
} from '../../src/shared/config.js';

describe('configuration', () => {
  it('has a default for every setting', () => {
    expect(readLocalServerConfig({})).toEqual({
      tableName: 'customer_ids',
      corsAllowedOrigins: ['*'],
      logLevel: 'info',
      dynamoDbRequestTimeoutMs: 2000,
      dynamoDbConnectTimeoutMs: 1000,
      dynamoDbMaxAttempts: 3,
      port: 3000,
      host: '127.0.0.1',
      dataDir: '.data/dynamodb',
      externalDynamoDbEndpoint: undefined,
      externalDynamoDbRegion: 'us-east-1',
      apiKeys: ['customers-api-local-key'],
      requestTimeoutMs: 10_000,
    });
  });

  it('reads a comma-separated list of origins', () => {
    const config = readHandlerConfig({ CORS_ALLOWED_ORIGINS: 'https://a.example.com, https://b.example.com' });
    expect(config.corsAllowedOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it('uses a configured DynamoDB endpoint instead of the emulator', () => {
    const config = readLocalServerConfig({ AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' });
    expect(config.externalDynamoDbEndpoint).toBe('http://localhost:8000');
  });

  it("takes the configured endpoint's region from AWS_REGION, else AWS_DEFAULT_REGION", () => {
    expect(readLocalServerConfig({ AWS_DEFAULT_REGION: 'eu-west-1' }).externalDynamoDbRegion).toBe('eu-west-1');
    const both = { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-west-1' };
    expect(readLocalServerConfig(both).externalDynamoDbRegion).toBe('eu-central-1');
  });

  it('accepts any table name DynamoDB accepts', () => {
    for (const name of ['abc', 'my-table.v2_prod', 'x'.repeat(255)]) {
      expect(readHandlerConfig({ TABLE_NAME: name }).tableName).toBe(name);
    }
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number from 0 to 65535, got 'abc'/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of debug, info, warn, error, silent, got 'loud'/],
    [{ DYNAMODB_MAX_ATTEMPTS: '0' }, /DYNAMODB_MAX_ATTEMPTS/],
    [{ REQUEST_TIMEOUT_MS: '60000' }, /REQUEST_TIMEOUT_MS must be a whole number from 100 to 29000, got '60000'/],
    [{ TABLE_NAME: 'a' }, /TABLE_NAME must be a DynamoDB table name, 3 to 255 .*got 'a'/],
    [{ TABLE_NAME: 'customers ids' }, /TABLE_NAME/],
    [{ TABLE_NAME: 'x'.repeat(256) }, /TABLE_NAME/],
  ])('fails with a clear error for %o', (env, message) => {
    expect(() => readLocalServerConfig(env)).toThrow(ConfigError);
    expect(() => readLocalServerConfig(env)).toThrow(message);
  });
});

describe('configuration of npm run mock:stateful', () => {
  it('puts Prism on 4010 and the server on a free loopback port, in memory, whatever PORT, HOST and DATA_DIR say', () => {
    const config = readStatefulMockConfig({
      PORT: '3000',
      HOST: '0.0.0.0',
      DATA_DIR: '.data/dynamodb',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000',
    });

    expect(config.mockPort).toBe(4010);
    expect(config.server).toMatchObject({ port: 0, host: '127.0.0.1', dataDir: IN_MEMORY });
    expect(config.server.externalDynamoDbEndpoint).toBeUndefined();
  });

  it('reads MOCK_PORT, and the keys, table and log level as npm start does', () => {
    const config = readStatefulMockConfig({
      MOCK_PORT: '4999',
      API_KEYS: 'frontend-team-key-0123456789',
      TABLE_NAME: 'ids',
      LOG_LEVEL: 'warn',
    });

    expect(config.mockPort).toBe(4999);
    expect(config.server).toMatchObject({
      apiKeys: ['frontend-team-key-0123456789'],
      tableName: 'ids',
      logLevel: 'warn',
    });
  });

  it('fails on a MOCK_PORT that is not a port, naming it', () => {
    expect(() => readStatefulMockConfig({ MOCK_PORT: '70000' })).toThrow(ConfigError);
    expect(() => readStatefulMockConfig({ MOCK_PORT: '70000' })).toThrow(/MOCK_PORT must be a whole number/);
  });
});

describe("the pre-traffic check's settings", () => {
  it('reads the version to check from TARGET_VERSION_ARN, trimmed', () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:dynamodb-rest-api:7';
    expect(readTargetVersionArn({ TARGET_VERSION_ARN: ` ${arn} ` })).toBe(arn);
  });

  it.each([[{}], [{ TARGET_VERSION_ARN: '' }], [{ TARGET_VERSION_ARN: '  ' }]])(
    'fails without a version to check, naming TARGET_VERSION_ARN (%j)',
    (env) => {
      expect(() => readTargetVersionArn(env)).toThrow(ConfigError);
      expect(() => readTargetVersionArn(env)).toThrow(/^TARGET_VERSION_ARN must be set/);
    },
  );

  it("reads the function's region from AWS_REGION; none (the SDK's own resolution) when unset", () => {
    expect(readFunctionRegion({ AWS_REGION: 'eu-west-1' })).toBe('eu-west-1');
    expect(readFunctionRegion({})).toBe('');
  });
});

describe("the post-traffic check's settings", () => {
  const aliasArn = 'arn:aws:lambda:eu-west-1:123456789012:function:dynamodb-rest-api:live';

  it('reads the alias, the auth mode, the key id and the region; API Gateway at its regional endpoint', () => {
    expect(
      readPostTrafficCheckConfig({
        ALIAS_ARN: aliasArn,
        AUTH_MODE: 'apiKey',
        API_KEY_ID: ' k1 ',
        AWS_REGION: 'eu-west-1',
      }),
    ).toEqual({
      aliasArn,
      authMode: 'apiKey',
      apiKeyId: 'k1',
      region: 'eu-west-1',
      apiGatewayEndpoint: 'https://apigateway.eu-west-1.amazonaws.com',
      route: 'stage',
    });
  });

  it("reads the route: the stage URL by default, or API Gateway's test invocation (strict)", () => {
    expect(readPostTrafficCheckConfig({ PROBE_ROUTE: 'testInvoke' }).route).toBe('testInvoke');
    expect(() => readPostTrafficCheckConfig({ PROBE_ROUTE: 'vpn' })).toThrow(/PROBE_ROUTE/);
  });

  it('defaults to no authentication and no key; AWS_ENDPOINT_URL_API_GATEWAY overrides the endpoint', () => {
    const config = readPostTrafficCheckConfig({ AWS_ENDPOINT_URL_API_GATEWAY: 'http://127.0.0.1:9' });
    expect(config).toMatchObject({ authMode: 'none', apiKeyId: undefined, apiGatewayEndpoint: 'http://127.0.0.1:9' });
  });

  it('refuses an AUTH_MODE it does not know, naming the setting', () => {
    expect(() => readPostTrafficCheckConfig({ AUTH_MODE: 'cognito' })).toThrow(ConfigError);
    expect(() => readPostTrafficCheckConfig({ AUTH_MODE: 'cognito' })).toThrow(/AUTH_MODE/);
  });
});

describe('npm run purge:contract-ids', () => {
  it('reads the table from TABLE_NAME, which it requires (no default table is purged), checked as a table name', () => {
    expect(readPurgeConfig({ TABLE_NAME: ' customer_ids_staging ' })).toEqual({ tableName: 'customer_ids_staging' });
    expect(() => readPurgeConfig({})).toThrow(/TABLE_NAME must name the table to purge/);
    expect(() => readPurgeConfig({ TABLE_NAME: 'a b' })).toThrow(/TABLE_NAME must be a DynamoDB table name/);
  });
});

describe('where configuration is read', () => {
  it('no code under src/ (its build tools aside) reads a setting from process.env but src/shared/config.ts', async () => {
    const readers: string[] = [];
    const files = (await readdir('src', { recursive: true })).map((name) => `src/${name}`);
    for (const file of files) {
      // src/build holds the developer's build tools (generate, bundle, check-breaking), not what runs deployed.
      if (!file.endsWith('.ts') || file === 'src/shared/config.ts' || file.startsWith('src/build/')) continue;
      const text = await readFile(file, 'utf8');
      // a read of one variable; handing the whole environment on to a child process reads none
      if (/process\.env(\.\w|\[)/.test(text)) readers.push(file);
    }
    expect(files).toContain('src/ops/purge-contract-ids.ts');
    expect(readers).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AccessLogField } from 'aws-cdk-lib/aws-apigateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { acknowledgementsFor } from '../../infra/acknowledged-findings.js';
import { KEYWORDS_GATEWAY_REJECTS, translateSchema } from '../../infra/gateway-models.js';
import { POLICY_PLUGINS } from '../../infra/policy-checks.js';
import { CONTEXT_KEYS, DEFAULT_SETTINGS } from '../../infra/settings.js';
import { TABLE_ACTIONS } from '../../src/api/store-actions.js';
import { gatewayDefinition } from '../../src/generated/gateway-definition.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { HTTP_METHODS } from '../../src/shared/http-methods.js';
import { undeletableOnFailedCreate } from './failed-create.js';
import { DEPLOYED_ENV, synthesize } from './synth.js';

type JsonObject = Record<string, unknown>;

const spec = openapiDocument as unknown as { paths: Record<string, Record<string, JsonObject>> };

function onlyResource(template: Template, type: string): { logicalId: string; properties: JsonObject } {
  const resources = Object.entries(template.findResources(type));
  expect(resources, `exactly one ${type}`).toHaveLength(1);
  const [logicalId, resource] = resources[0] as [string, { Properties: JsonObject }];
  return { logicalId, properties: resource.Properties };
}

/** The one resource of a type that has a fixed name (`nameProperty`): the stack names only its own. */
function onlyNamed(
  template: Template,
  type: string,
  nameProperty: string,
): { logicalId: string; properties: JsonObject } {
  const named = Object.entries(template.findResources(type, { Properties: { [nameProperty]: Match.anyValue() } }));
  expect(named, `exactly one ${type} with a ${nameProperty}`).toHaveLength(1);
  const [logicalId, resource] = named[0] as [string, { Properties: JsonObject }];
  return { logicalId, properties: resource.Properties };
}

/** The API's function (the pre-traffic check, unnamed, is the other). */
function apiFunction(template: Template): { logicalId: string; properties: JsonObject } {
  return onlyNamed(template, 'AWS::Lambda::Function', 'FunctionName');
}

function apiBody(template: Template): { paths: Record<string, Record<string, JsonObject>> } & JsonObject {
  return onlyResource(template, 'AWS::ApiGateway::RestApi').properties.Body as never;
}

/** (path, method) of every operation, from a document's paths. */
function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => (HTTP_METHODS as readonly string[]).includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Every value of `key` anywhere in a JSON value. */
function valuesOf(value: unknown, key: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesOf(item, key));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([name, child]) => [...(name === key ? [child] : []), ...valuesOf(child, key)]);
}

/** Every key anywhere in a JSON value, with its path. */
function keysIn(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keysIn(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [`${path}.${key}`, ...keysIn(child, `${path}.${key}`)]);
}

let template: Template;
let functionLogicalId: string;
let aliasLogicalId: string;

beforeAll(async () => {
  ({ template } = await synthesize());
  functionLogicalId = apiFunction(template).logicalId;
  aliasLogicalId = onlyResource(template, 'AWS::Lambda::Alias').logicalId;
}, 60_000);

/** The inline policy of the function's role. */
function functionRolePolicy(t: Template): JsonObject {
  const roleId = functionRole(t).logicalId;
  const policies = Object.values(t.findResources('AWS::IAM::Policy')) as { Properties: JsonObject }[];
  const found = policies.filter(({ Properties: policy }) => JSON.stringify(policy.Roles).includes(`"${roleId}"`));
  expect(found).toHaveLength(1);
  return (found[0] as { Properties: JsonObject }).Properties;
}

/** The function's role (API Gateway's account-level role, the pre-traffic check's and CodeDeploy's are unnamed). */
function functionRole(template: Template): { logicalId: string; properties: JsonObject } {
  return onlyNamed(template, 'AWS::IAM::Role', 'RoleName');
}

describe('table', () => {
  it('is customer_ids keyed by the string id, on demand, with point-in-time recovery, no deletion protection by default', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'customer_ids',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    // CloudFormation cannot delete a protected table, not even to roll back its failed create.
    expect(onlyResource(template, 'AWS::DynamoDB::Table').properties.DeletionProtectionEnabled).not.toBe(true);
  });

  it('combines RetainExceptOnCreate with deletion protection on no resource (CloudFormation could not roll back)', () => {
    expect(undeletableOnFailedCreate(template)).toEqual([]);
  });

  it('is kept on update and stack deletion, but not when a failed first create rolls back', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('function', () => {
  it('is dynamodb-rest-api on a current Node.js runtime, arm64, with the table name and its own log group', () => {
    const { properties } = apiFunction(template);
    expect(properties).toMatchObject({
      FunctionName: 'dynamodb-rest-api',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Environment: { Variables: expect.objectContaining({ TABLE_NAME: { Ref: expect.stringMatching(/Table/) } }) },
    });
    expect(Number(String(properties.Runtime).match(/^nodejs(\d+)\.x$/)?.[1])).toBeGreaterThanOrEqual(22);
    // the source map is not loaded at start unless someone asks for it
    expect(JSON.stringify(properties.Environment)).not.toContain('enable-source-maps');
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/dynamodb-rest-api' });
  });

  it("keeps the function's, the two release checks' and the API's (access and execution) logs one year", () => {
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup')) as { Properties: JsonObject }[];
    expect(logGroups).toHaveLength(5);
    for (const { Properties: group } of logGroups) expect(group.RetentionInDays).toBe(365);
  });

  it('has a role named lambda-dynamodb-rest-api with no managed policy', () => {
    const { properties } = functionRole(template);
    expect(properties.RoleName).toBe('lambda-dynamodb-rest-api');
    expect(properties.ManagedPolicyArns).toBeUndefined();
  });

  it('may only send the actions the store sends (src/api/store-actions.ts) to the table, and write to its own log group', () => {
    const properties = functionRolePolicy(template);
    expect(TABLE_ACTIONS.length).toBeGreaterThan(0);
    expect((properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Sid: 'ReadWriteCustomerIds',
        Effect: 'Allow',
        Action: TABLE_ACTIONS.map((action) => `dynamodb:${action}`),
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/Table/), 'Arn'] },
      },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/FunctionLogs/), 'Arn'] },
      },
    ]);
  });

  it('has no wildcard action anywhere in the template', () => {
    const actions = valuesOf(template.toJSON(), 'Action').flat();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => typeof action !== 'string' || action.includes('*'))).toEqual([]);
  });

  it("may be invoked through its live alias only, by this API's stage, on the spec's path only (any method: 405 and CORS are the function's)", () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as {
      Properties: JsonObject;
    }[];
    expect(permissions).toHaveLength(Object.keys(spec.paths).length);
    const apiId = onlyResource(template, 'AWS::ApiGateway::RestApi').logicalId;
    for (const { Properties: permission } of permissions) {
      expect(permission).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { Ref: aliasLogicalId },
      });
      // arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path>
      const parts = (permission.SourceArn as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      expect(parts).toContainEqual({ Ref: apiId });
      expect(parts.at(-1)).toBe('/prod/*/customers');
    }
  });
});

describe('REST API', () => {
  it('is dynamodb-rest-api, regional, imported from an OpenAPI 3.0 body that fails on any import warning', () => {
    const { properties } = onlyResource(template, 'AWS::ApiGateway::RestApi');
    expect(properties.Name).toBe('dynamodb-rest-api');
    expect(properties.FailOnWarnings).toBe(true);
    expect(properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(String((properties.Body as JsonObject).openapi)).toMatch(/^3\.0\.\d+$/);
  });

  it("has exactly the spec's operations, each integrated with the function's live alias by Lambda proxy", () => {
    const body = apiBody(template);
    expect(operationsOf(body).sort()).toEqual(operationsOf(spec).sort());
    for (const [path, item] of Object.entries(body.paths)) {
      const integrated = Object.entries(item).filter(
        ([key]) => (HTTP_METHODS as readonly string[]).includes(key) || key === 'x-amazon-apigateway-any-method',
      );
      for (const [method, operation] of integrated) {
        expect(operation['x-amazon-apigateway-integration'], `${method} ${path}`).toMatchObject({
          type: 'aws_proxy',
          httpMethod: 'POST',
          uri: { 'Fn::Join': ['', expect.arrayContaining([{ Ref: aliasLogicalId }])] },
        });
      }
    }
  });

  it('sends every other method (405) and OPTIONS (CORS preflight) to the function too', () => {
    const body = apiBody(template);
    for (const item of Object.values(body.paths)) {
      expect(item['x-amazon-apigateway-any-method']).toBeDefined();
    }
  });

  it("carries the spec's schemas in the subset API Gateway models accept", () => {
    const body = apiBody(template);
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const requestBody = operation.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
        for (const [mediaType, media] of Object.entries(requestBody?.content ?? {})) {
          const deployed = (body.paths[path]?.[method]?.requestBody as typeof requestBody)?.content[mediaType]?.schema;
          expect(deployed, `${method} ${path} ${mediaType}`).toEqual(translateSchema(media.schema as never));
        }
      }
    }
    const putBody = body.paths['/customers']?.put?.requestBody as { content: Record<string, { schema: JsonObject }> };
    const putSchema = putBody.content['application/json']?.schema;
    expect(putSchema).toMatchObject({
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', minLength: 1 } },
    });
  });

  it('contains nothing the API Gateway importer rejects', () => {
    const keys = keysIn(apiBody(template)).map((path) => path.split('.').pop() as string);
    expect(keys.filter((key) => (KEYWORDS_GATEWAY_REJECTS as readonly string[]).includes(key))).toEqual([]);
    expect(keys.filter((key) => key.startsWith('x-') && !key.startsWith('x-amazon-apigateway-'))).toEqual([]);
  });

  it('imports exactly the definition the local gateway layer applies (src/generated/gateway-definition.ts), but for the integration URI', () => {
    const body = structuredClone(apiBody(template)) as JsonObject;
    const uris = valuesOf(body, 'x-amazon-apigateway-integration').map(
      (integration) => (integration as JsonObject).uri,
    );
    // Every operation calls the live alias: one URI (a CloudFormation expression), the same everywhere.
    expect(new Set(uris.map((uri) => JSON.stringify(uri))).size).toBe(1);
    expect(JSON.stringify(uris[0])).toContain(`{"Ref":"${aliasLogicalId}"}`);
    const local = structuredClone(gatewayDefinition) as unknown as JsonObject;
    for (const integration of valuesOf(local, 'x-amazon-apigateway-integration')) {
      (integration as JsonObject).uri = uris[0] as JsonObject;
    }
    expect(body).toEqual(local);
  });

  it('validates parameters at the gateway, on every operation, and leaves every body to the Lambda', () => {
    const body = apiBody(template);
    expect(body['x-amazon-apigateway-request-validators']).toEqual({
      parameters: { validateRequestBody: false, validateRequestParameters: true },
    });
    expect(body['x-amazon-apigateway-request-validator']).toBe('parameters');
    for (const item of Object.values(body.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if ((HTTP_METHODS as readonly string[]).includes(method)) {
          expect(operation['x-amazon-apigateway-request-validator']).toBe('parameters');
        }
      }
    }
  });

  it("answers the gateway's own errors in the {message} shape: unknown route 404, bad request 400, throttling 429", () => {
    const responses = apiBody(template)['x-amazon-apigateway-gateway-responses'] as Record<string, JsonObject>;
    expect(responses.MISSING_AUTHENTICATION_TOKEN).toMatchObject({ statusCode: '404' });
    expect(responses.BAD_REQUEST_BODY).toMatchObject({ statusCode: '400' });
    expect(responses.BAD_REQUEST_PARAMETERS).toMatchObject({ statusCode: '400' });
    expect(responses.THROTTLED).toMatchObject({
      statusCode: '429',
      responseParameters: { 'gatewayresponse.header.Retry-After': "'1'" },
    });
    for (const [type, response] of Object.entries(responses)) {
      // documented as a string; the importer warns on a number, and warnings fail the import
      if (response.statusCode !== undefined) expect(typeof response.statusCode, type).toBe('string');
      // The bodies against the spec's schemas: test/infra/gateway-responses.test.ts.
      expect(response.responseParameters, type).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.header.Cache-Control': "'no-store'",
      });
    }
  });
});

describe('stage', () => {
  it('is prod, throttled, with JSON access logs, execution logs of errors (no request data), no per-method metrics', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
          MetricsEnabled: false,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ]),
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });
});

describe('stage logs and metrics', () => {
  const stage = () => Object.entries(template.findResources('AWS::ApiGateway::Stage'))[0] as [string, JsonObject];

  it('creates the execution log group API Gateway would create (named for this API and stage), before the stage', () => {
    const api = onlyResource(template, 'AWS::ApiGateway::RestApi').logicalId;
    const [id, group] = Object.entries(
      template.findResources('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: api }, '/prod']] } },
      }),
    )[0] as [string, { Properties: JsonObject }];
    expect(group.Properties.RetentionInDays).toBe(365);
    expect(stage()[1].DependsOn).toContain(id);
  });

  it('logs each request as JSON with the error type, integration error, latencies, API key id and WAF status', () => {
    const format = ((stage()[1].Properties as JsonObject).AccessLogSetting as { Format: string }).Format;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining([
        'requestId',
        'errorType',
        'integrationError',
        'responseLatency',
        'apiKeyId',
        'wafStatus',
      ]),
    );
    // every value is one $context variable of AWS's access-logging list, as the CDK's AccessLogField spells them
    const known = new Set(
      Object.getOwnPropertyNames(AccessLogField)
        .filter((name) => /^context[A-Z]/.test(name) && !/AccountId$/.test(name))
        .map((name) => (AccessLogField as unknown as Record<string, unknown>)[name])
        .filter((field): field is () => unknown => typeof field === 'function' && field.length === 0)
        .map((field) => String(field())),
    );
    expect(known.size).toBeGreaterThan(30);
    for (const [name, value] of Object.entries(fields)) expect(known.has(value), `${name}: ${value}`).toBe(true);
    expect(fields.requestId).toBe('$context.requestId');
    expect(fields.errorType).toBe('$context.error.responseType');
    expect(fields.apiKeyId).toBe('$context.identity.apiKeyId');
    expect(fields.wafStatus).toBe('$context.waf.status');
  });

  it('turns on per-method (detailed, billed) metrics only if an alarm reads a per-method metric', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: JsonObject }[];
    const dimensions = alarms.flatMap(({ Properties: alarm }) =>
      [
        alarm,
        ...((alarm.Metrics as { MetricStat?: { Metric: JsonObject } }[] | undefined) ?? []).map(
          (q) => q.MetricStat?.Metric ?? {},
        ),
      ]
        .filter((metric) => metric.Namespace === 'AWS/ApiGateway')
        .flatMap((metric) => ((metric.Dimensions as { Name: string }[] | undefined) ?? []).map((d) => d.Name)),
    );
    expect(dimensions, 'some alarm reads API Gateway').toContain('ApiName');
    const perMethod = dimensions.some((name) => name === 'Method' || name === 'Resource');
    const settings = (stage()[1].Properties as { MethodSettings: { MetricsEnabled?: boolean }[] }).MethodSettings;
    expect(settings.some((setting) => setting.MetricsEnabled === true)).toBe(perMethod);
  });
});

describe('first deploy in a fresh account and region', () => {
  it("sets API Gateway's account-level CloudWatch role, before the logging stage is created", () => {
    const account = onlyResource(template, 'AWS::ApiGateway::Account');
    const roleId = (account.properties.CloudWatchRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = template.findResources('AWS::IAM::Role')[roleId] as { Properties: JsonObject };
    expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } }],
    });
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
      ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    );
    const [, stage] = Object.entries(template.findResources('AWS::ApiGateway::Stage'))[0] as [string, JsonObject];
    expect(stage.DependsOn).toContain(account.logicalId);
  });

  it('keeps that role when the stack is deleted (other APIs log through it), not after a failed first create', () => {
    const account = onlyResource(template, 'AWS::ApiGateway::Account');
    const roleId = (account.properties.CloudWatchRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const resources = template.toJSON().Resources as Record<string, JsonObject>;
    for (const id of [account.logicalId, roleId]) {
      expect(resources[id]?.DeletionPolicy, id).toBe('RetainExceptOnCreate');
    }
  });

  it('leaves the account-level role alone with -c apiGatewayCloudWatchRole=false', async () => {
    const { template: managedElsewhere } = await synthesize({ context: { apiGatewayCloudWatchRole: 'false' } });
    managedElsewhere.resourceCountIs('AWS::ApiGateway::Account', 0);
    // no role trusted by API Gateway (the function's, the pre-traffic check's and CodeDeploy's remain)
    expect(JSON.stringify(managedElsewhere.findResources('AWS::IAM::Role'))).not.toContain('apigateway.amazonaws.com');
    // the stage still logs, through the role the account already has
    managedElsewhere.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.anyValue() });
  });
});

describe('operators see it', () => {
  /** The operator's alarm on one metric (five-minute periods: the release alarms, per minute, are tested apart). */
  function alarmOn(t: Template, metricName: string): JsonObject {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')) as { Properties: JsonObject }[];
    const found = alarms.filter(
      ({ Properties: alarm }) =>
        JSON.stringify(alarm).includes(`"${metricName}"`) && !JSON.stringify(alarm).includes('"Period":60'),
    );
    expect(found, `one alarm on ${metricName}`).toHaveLength(1);
    return (found[0] as { Properties: JsonObject }).Properties;
  }

  it("alarms when more than 1% of the stage's requests are answered 5xx, in 2 of 3 five-minute periods", () => {
    expect(alarmOn(template, '5XXError')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Dimensions: expect.arrayContaining([
        { Name: 'ApiName', Value: 'dynamodb-rest-api' },
        { Name: 'Stage', Value: 'prod' },
      ]),
      Statistic: 'Average',
      Period: 300,
      Threshold: 0.01,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  it("alarms on the API's p99 latency", () => {
    expect(alarmOn(template, 'Latency')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      ExtendedStatistic: 'p99',
      Threshold: 2000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it("alarms on the function's errors and throttles, from the first one", () => {
    for (const metric of ['Errors', 'Throttles']) {
      expect(alarmOn(template, metric), metric).toMatchObject({
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId } }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it("alarms on the table's throttled requests and system errors, for each action the store sends", () => {
    for (const metric of ['ThrottledRequests', 'SystemErrors']) {
      const alarm = alarmOn(template, metric);
      const queried = (alarm.Metrics as { MetricStat?: { Metric: JsonObject } }[])
        .filter((query) => query.MetricStat)
        .map((query) => query.MetricStat?.Metric);
      const operationsQueried = queried.map((m) =>
        (m?.Dimensions as { Name: string; Value: unknown }[] | undefined)?.find((d) => d.Name === 'Operation'),
      );
      expect(operationsQueried.map((dimension) => dimension?.Value).sort(), metric).toEqual([...TABLE_ACTIONS].sort());
      expect(queried.every((m) => m?.Namespace === 'AWS/DynamoDB' && m.MetricName === metric)).toBe(true);
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it('has a dashboard of the same metrics, and no alarm action unless a topic is given', () => {
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(properties.DashboardBody);
    for (const metric of ['5XXError', 'Latency', 'Errors', 'Throttles', 'ThrottledRequests', 'SystemErrors']) {
      expect(body).toContain(`\\"${metric}\\"`);
    }
    // the table's graphs watch each action the store sends, and no other
    const operationsShown = [...body.matchAll(/\\"Operation\\",\\"(\w+)\\"/g)].map((match) => match[1]);
    expect([...new Set(operationsShown)].sort()).toEqual([...TABLE_ACTIONS].sort());
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: JsonObject }[];
    // six for the operator, two that roll a deployment back (test/infra/canary-releases.test.ts)
    expect(alarms).toHaveLength(8);
    for (const { Properties: alarm } of alarms) {
      expect(alarm.AlarmActions).toBeUndefined();
      // no traffic is not a failure
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('notifies the SNS topic -c alarmTopicArn names, on alarm and back to OK', async () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:customers-api-alarms';
    const { template: notifying } = await synthesize({ context: { alarmTopicArn: topicArn } });
    const alarms = Object.values(notifying.findResources('AWS::CloudWatch::Alarm')) as { Properties: JsonObject }[];
    expect(alarms).toHaveLength(8);
    for (const { Properties: alarm } of alarms) {
      expect(alarm).toMatchObject({ AlarmActions: [topicArn], OKActions: [topicArn] });
    }
    await expect(synthesize({ context: { alarmTopicArn: 'my-topic' } })).rejects.toThrow(
      /alarmTopicArn must be an SNS topic ARN/,
    );
  });
});

describe('outputs', () => {
  it('are exactly CustomersUrl and ApiUrl, named as the README says', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    // Beside the two URLs, the default auth mode's outputs (infra/auth.ts; test/infra/auth-modes.test.ts).
    expect(Object.keys(outputs).sort()).toEqual([
      'ApiKeyId',
      'ApiUrl',
      'AuthMode',
      'CustomersUrl',
      'ReleaseApiKeyId',
      'TableName',
      'UsagePlanId',
    ]);
    expect(outputs.TableName?.Value).toEqual({ Ref: onlyResource(template, 'AWS::DynamoDB::Table').logicalId });
    expect(JSON.stringify(outputs.CustomersUrl?.Value)).toMatch(/\/customers"/);
  });
});

describe('configuration from context', () => {
  it('has its defaults in infra/settings.ts only: cdk.json sets none of the settings', async () => {
    const cdkJson = JSON.parse(await readFile('cdk.json', 'utf8')) as { context: Record<string, unknown> };
    expect(Object.keys(cdkJson.context).filter((key) => Object.values(CONTEXT_KEYS).includes(key as never))).toEqual(
      [],
    );
  });

  it('adopts an existing table with -c existingTable=true: nothing created, the same grants on that table', async () => {
    const { template: adopting } = await synthesize({ context: { existingTable: 'true' } });
    adopting.resourceCountIs('AWS::DynamoDB::Table', 0);
    const properties = functionRolePolicy(adopting);
    const [readWrite] = (properties.PolicyDocument as { Statement: JsonObject[] }).Statement;
    expect(readWrite?.Action).toEqual(TABLE_ACTIONS.map((action) => `dynamodb:${action}`));
    expect(JSON.stringify(readWrite?.Resource)).toContain(':table/customer_ids');
    adopting.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: 'customer_ids' }) },
    });
  });

  it('can import the console-built table with `cdk import --resource-mapping infra/import-table.json`', async () => {
    const mapping = JSON.parse(await readFile('infra/import-table.json', 'utf8')) as Record<string, JsonObject>;
    const table = onlyResource(template, 'AWS::DynamoDB::Table');
    // the mapping names the table's logical id, by the identifier CloudFormation imports a table with
    expect(mapping).toEqual({ [table.logicalId]: { TableName: table.properties.TableName } });
    // an import needs a deletion policy on the imported resource
    expect((template.toJSON().Resources as Record<string, JsonObject>)[table.logicalId]?.DeletionPolicy).toBeDefined();
  });

  it('renames the function, role and API from context, to live beside a console-built original', async () => {
    const { template: renamed } = await synthesize({
      context: { functionName: 'customers-api', roleName: 'customers-api-function', restApiName: 'customers-api' },
    });
    renamed.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'customers-api' });
    renamed.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/customers-api' });
    renamed.hasResourceProperties('AWS::IAM::Role', { RoleName: 'customers-api-function' });
    renamed.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'customers-api' });
  });

  it('reserves no concurrency by default, and what -c reservedConcurrency asks for', async () => {
    expect(apiFunction(template).properties.ReservedConcurrentExecutions).toBeUndefined();
    const { template: reserved } = await synthesize({ context: { reservedConcurrency: '20' } });
    reserved.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 20 });
    await expect(synthesize({ context: { reservedConcurrency: '0' } })).rejects.toThrow(
      /reservedConcurrency must be a whole number of executions ≥ 1, got "0"/,
    );
  });

  it("lists every setting in infra/README.md's context table, with its default", async () => {
    const readme = await readFile('infra/README.md', 'utf8');
    const rows = [...readme.matchAll(/^\| `(\w+)` \| (`[^`]*`|none) \|/gm)].map(([, key, value]) => [key, value]);
    const shown = (value: unknown) =>
      value === undefined || (Array.isArray(value) && value.length === 0)
        ? 'none'
        : `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(
        Object.entries(CONTEXT_KEYS).map(([setting, key]) => [
          key,
          shown(DEFAULT_SETTINGS[setting as keyof typeof DEFAULT_SETTINGS]),
        ]),
      ),
    );
  });

  it('names the stage, table and origins and sets throttling from context', async () => {
    const { template: configured } = await synthesize({
      context: {
        stage: 'staging',
        tableName: 'customer_ids_staging',
        corsAllowedOrigins: 'https://app.example.com',
        throttlingRateLimit: 5,
        throttlingBurstLimit: 10,
      },
    });
    configured.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'staging',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })]),
    });
    configured.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'customer_ids_staging' });
    configured.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CORS_ALLOWED_ORIGINS: 'https://app.example.com' }) },
    });
  });

  it('fails synthesis with a clear message for a bad throttling value', async () => {
    await expect(synthesize({ context: { throttlingRateLimit: 'fast' } })).rejects.toThrow(
      /throttlingRateLimit must be a positive number, got "fast"/,
    );
  });
});

describe('a changed spec', () => {
  const withNewOperation = () => {
    const changed = structuredClone(openapiDocument) as unknown as typeof spec;
    changed.paths['/customers/count'] = {
      get: { operationId: 'countCustomers', summary: 'Count', responses: { '200': { description: 'The count' } } },
    };
    return changed;
  };

  it('is deployed without touching infra: the new operation is in the API, integrated with the function', async () => {
    const { template: changed } = await synthesize({ spec: withNewOperation() });
    const operation = apiBody(changed).paths['/customers/count']?.get;
    expect(operation?.['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy' });
  });

  it('makes a new deployment (its logical id changes)', async () => {
    const { template: changed } = await synthesize({ spec: withNewOperation() });
    const before = onlyResource(template, 'AWS::ApiGateway::Deployment').logicalId;
    const after = onlyResource(changed, 'AWS::ApiGateway::Deployment').logicalId;
    expect(after).not.toBe(before);
    // and the same spec makes the same deployment
    const { template: again } = await synthesize();
    expect(onlyResource(again, 'AWS::ApiGateway::Deployment').logicalId).toBe(before);
  });
});

/** Each rule once. */
function rulesIn(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}

// Every documented setting passes the rule packs, each acknowledgement used: test/infra/every-setting.test.ts.
describe("AWS's rule packs on every synth: cdk-nag AwsSolutions and Serverless, Control Tower controls (cfn-guard)", () => {
  it('do find the acknowledged issues when they are not acknowledged (in a real account and region)', {
    timeout: 240_000,
  }, async () => {
    const { findings } = await synthesize({ policyChecks: true, acknowledge: false, env: DEPLOYED_ENV });
    expect(findings.plugins).toEqual([...POLICY_PLUGINS]);
    expect(rulesIn(findings.violations)).toEqual(
      rulesIn(acknowledgementsFor({ compliance: 'standard' }).map((finding) => finding.id)),
    );
  });
});

describe('the strict compliance profile (-c compliance=strict)', () => {
  let strict: Template;
  beforeAll(async () => {
    ({ template: strict } = await synthesize({ context: { compliance: 'strict' } }));
  }, 60_000);

  it('leaves the table deletable by a rolled-back first create: RetainExceptOnCreate, no deletion protection, PITR', () => {
    expect(undeletableOnFailedCreate(strict)).toEqual([]);
    const table = Object.values(strict.findResources('AWS::DynamoDB::Table'))[0] as {
      DeletionPolicy: string;
      Properties: JsonObject;
    };
    expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(table.Properties.DeletionProtectionEnabled).not.toBe(true);
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('encrypts the table and every log group with one customer-managed key, rotated, kept with the table', () => {
    const key = onlyResource(strict, 'AWS::KMS::Key');
    expect(key.properties.EnableKeyRotation).toBe(true);
    expect((strict.toJSON().Resources as Record<string, JsonObject>)[key.logicalId]?.DeletionPolicy).toBe(
      'RetainExceptOnCreate',
    );
    strict.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [key.logicalId, 'Arn'] } },
    });
    const logGroups = Object.values(strict.findResources('AWS::Logs::LogGroup')) as { Properties: JsonObject }[];
    expect(logGroups.length).toBeGreaterThanOrEqual(3);
    for (const { Properties: group } of logGroups) {
      expect(group.KmsKeyId).toEqual({ 'Fn::GetAtt': [key.logicalId, 'Arn'] });
      expect(group.RetentionInDays).toBe(365);
    }
  });

  it('traces the stage and the function with X-Ray, and keeps execution logs of errors', () => {
    strict.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([Match.objectLike({ LoggingLevel: 'ERROR' })]),
    });
    expect(apiFunction(strict).properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it('runs the function in isolated subnets whose only way out is a DynamoDB gateway endpoint', () => {
    strict.resourceCountIs('AWS::EC2::NatGateway', 0);
    strict.resourceCountIs('AWS::EC2::InternetGateway', 0);
    strict.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.dynamodb'])] }),
    });
    const { properties } = apiFunction(strict);
    const vpcConfig = properties.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
    expect(vpcConfig.SubnetIds).toHaveLength(2);
    expect(vpcConfig.SecurityGroupIds).toHaveLength(1);
    strict.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL' });
    // the function's security group: HTTPS out, nothing else, nothing in
    const [groupRef] = vpcConfig.SecurityGroupIds as { 'Fn::GetAtt': [string, string] }[];
    const group = (strict.toJSON().Resources as Record<string, { Properties: JsonObject }>)[
      groupRef?.['Fn::GetAtt'][0] ?? ''
    ]?.Properties as JsonObject;
    expect(group.SecurityGroupEgress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    expect(group.SecurityGroupIngress).toBeUndefined();
  });

  it('lets the function attach to the VPC and use the key, by named actions only', () => {
    const statements = (functionRolePolicy(strict).PolicyDocument as { Statement: JsonObject[] }).Statement;
    expect(statements.find((statement) => statement.Sid === 'UseTheTablesKey')?.Action).toEqual([
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:DescribeKey',
    ]);
    expect(statements.find((statement) => statement.Sid === 'AttachToTheVpc')?.Action).toContain(
      'ec2:CreateNetworkInterface',
    );
    // no wildcard action in any IAM policy (the key policy's statement for the account is KMS's default)
    const actions = valuesOf(strict.findResources('AWS::IAM::Policy'), 'Action').flat();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => typeof action !== 'string' || action.includes('*'))).toEqual([]);
  });

  it('sends every alarm to an encrypted SNS topic of its own when no alarmTopicArn is given', () => {
    const topic = onlyResource(strict, 'AWS::SNS::Topic');
    expect(topic.properties.KmsMasterKeyId).toBeDefined();
    const alarms = Object.values(strict.findResources('AWS::CloudWatch::Alarm')) as { Properties: JsonObject }[];
    for (const { Properties: alarm } of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topic.logicalId }]);
  });
});

/**
 * Releases (infra/release.ts): GIVEN the synthesized stack, THEN API Gateway calls a `live` alias on a published
 * version, CodeDeploy moves the alias to each new version gradually (`-c deployment=…`), checking it first with the
 * pre-traffic hook and rolling back on the release alarms.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_ALIAS } from '../../infra/customers-api.js';
import { credentialedRoutes } from '../../src/release-check/release-probe.js';
import { synthesize } from './synth.js';

type JsonObject = Record<string, unknown>;
type Resource = { Properties: JsonObject; UpdatePolicy?: JsonObject; DependsOn?: string[] };

function only(template: Template, type: string): { logicalId: string; resource: Resource } {
  const found = Object.entries(template.findResources(type));
  expect(found, `exactly one ${type}`).toHaveLength(1);
  const [logicalId, resource] = found[0] as [string, Resource];
  return { logicalId, resource };
}

function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}

/** The function CodeDeploy runs before traffic moves, named by the alias's update policy. */
function preTrafficHook(template: Template): { logicalId: string; resource: Resource } {
  const policy = only(template, 'AWS::Lambda::Alias').resource.UpdatePolicy?.CodeDeployLambdaAliasUpdate as JsonObject;
  const logicalId = (policy.BeforeAllowTrafficHook as { Ref: string }).Ref;
  return { logicalId, resource: resources(template)[logicalId] as Resource };
}

let template: Template;
let functionId: string;
let aliasId: string;
let versionId: string;

beforeAll(async () => {
  ({ template } = await synthesize());
  [functionId] = Object.keys(
    template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dynamodb-rest-api' } }),
  ) as [string];
  aliasId = only(template, 'AWS::Lambda::Alias').logicalId;
  versionId = only(template, 'AWS::Lambda::Version').logicalId;
}, 120_000);

describe('API Gateway calls the live alias', () => {
  it('publishes the function as a version, and the live alias points at it', () => {
    expect(only(template, 'AWS::Lambda::Version').resource.Properties.FunctionName).toEqual({ Ref: functionId });
    expect(only(template, 'AWS::Lambda::Alias').resource.Properties).toMatchObject({
      Name: LIVE_ALIAS,
      FunctionName: { Ref: functionId },
      FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
    });
  });

  it("integrates every operation of the imported body with the alias's ARN (…:function:NAME:live/invocations)", () => {
    const body = only(template, 'AWS::ApiGateway::RestApi').resource.Properties.Body as {
      paths: Record<string, Record<string, { 'x-amazon-apigateway-integration'?: { uri: unknown } }>>;
    };
    const uris = Object.values(body.paths).flatMap((item) =>
      Object.values(item).flatMap((operation) => operation['x-amazon-apigateway-integration']?.uri ?? []),
    );
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) {
      // the alias's Ref is its ARN
      expect(uri).toEqual({
        'Fn::Join': ['', expect.arrayContaining([{ Ref: aliasId }, '/invocations'])],
      });
      expect(JSON.stringify(uri)).not.toContain(`"${functionId}"`);
    }
  });

  it('lets API Gateway invoke the alias only, never the unqualified function or a version', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as Resource[];
    const fromApiGateway = permissions.filter(({ Properties: p }) => p.Principal === 'apigateway.amazonaws.com');
    expect(fromApiGateway.length).toBeGreaterThan(0);
    for (const { Properties: permission } of fromApiGateway) {
      expect(permission.FunctionName).toEqual({ Ref: aliasId });
      expect(permission.SourceArn).toBeDefined();
    }
  });
});

describe('CodeDeploy moves the alias to each new version', () => {
  it('canary by default: 10 % for 5 minutes, then all', () => {
    const { resource } = only(template, 'AWS::CodeDeploy::DeploymentGroup');
    expect(resource.Properties.DeploymentConfigName).toEqual(expect.stringMatching(/Canary10Percent5Minutes$/));
    template.hasResourceProperties('AWS::CodeDeploy::Application', { ComputePlatform: 'Lambda' });
  });

  it('the alias is updated through that deployment group (CloudFormation waits for it), after the group', () => {
    const groupId = only(template, 'AWS::CodeDeploy::DeploymentGroup').logicalId;
    const alias = only(template, 'AWS::Lambda::Alias').resource;
    expect(alias.UpdatePolicy).toMatchObject({
      CodeDeployLambdaAliasUpdate: { DeploymentGroupName: { Ref: groupId } },
    });
    // so the new version's alarm is updated before traffic moves
    expect(alias.DependsOn).toContain(groupId);
  });

  it('rolls back when a release alarm fires or the deployment fails, watching at least two alarms', () => {
    const { Properties: group } = only(template, 'AWS::CodeDeploy::DeploymentGroup').resource;
    expect(group.AutoRollbackConfiguration).toEqual({
      Enabled: true,
      Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
    });
    const alarmConfiguration = group.AlarmConfiguration as { Enabled: boolean; Alarms: { Name: { Ref: string } }[] };
    expect(alarmConfiguration.Enabled).toBe(true);
    expect(alarmConfiguration.Alarms.length).toBeGreaterThanOrEqual(2);
    for (const { Name } of alarmConfiguration.Alarms) {
      expect(resources(template)[Name.Ref]?.Properties.Period, 'a canary lasts 5 minutes: per-minute alarms').toBe(60);
    }
  });

  it("rolls back on the new version's own errors (ExecutedVersion through the alias), from the first one", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const newVersion = alarms.filter(({ Properties: a }) =>
      String(JSON.stringify(a.Dimensions)).includes('ExecutedVersion'),
    );
    expect(newVersion).toHaveLength(1);
    expect(newVersion[0]?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: expect.arrayContaining([
        { Name: 'FunctionName', Value: { Ref: functionId } },
        { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: functionId }, `:${LIVE_ALIAS}`]] } },
        { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [versionId, 'Version'] } },
      ]),
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it("rolls back on the stage's 5xx rate per minute too (a version answering 500 is no Lambda error)", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: Match.arrayWith([{ Name: 'ApiName', Value: 'dynamodb-rest-api' }]),
      Period: 60,
      Statistic: 'Average',
      Threshold: 0.01,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it.each([
    ['linear', /Linear10PercentEvery1Minute$/],
    ['allAtOnce', /^CodeDeployDefault\.LambdaAllAtOnce$/],
  ])(
    '-c deployment=%s uses %s, with the same hook and alarms',
    async (deployment, config) => {
      const { template: configured } = await synthesize({ context: { deployment } });
      const { Properties: group } = only(configured, 'AWS::CodeDeploy::DeploymentGroup').resource;
      expect(group.DeploymentConfigName).toEqual(expect.stringMatching(config));
      expect((group.AlarmConfiguration as { Alarms: unknown[] }).Alarms.length).toBeGreaterThanOrEqual(2);
      expect(preTrafficHook(configured).resource).toBeDefined();
    },
    120_000,
  );

  it('fails the synth on an unknown -c deployment, naming the setting', async () => {
    await expect(synthesize({ context: { deployment: 'blueGreen' } })).rejects.toThrow(
      /context deployment must be one of canary, linear, allAtOnce, got "blueGreen"/,
    );
  });
});

describe('the pre-traffic check (BeforeAllowTraffic)', () => {
  it("is the alias's BeforeAllowTraffic hook, set up before the alias moves", () => {
    const hook = preTrafficHook(template);
    expect(hook.resource).toBeDefined();
    expect(only(template, 'AWS::Lambda::Alias').resource.DependsOn).toContain(hook.logicalId);
  });

  it('is told the new version to invoke, and runs on the same runtime and architecture', () => {
    const { Properties: hook } = preTrafficHook(template).resource;
    expect(hook).toMatchObject({
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Environment: { Variables: { TARGET_VERSION_ARN: { Ref: versionId } } },
    });
  });

  it("may invoke this function's versions, report to this deployment group, and write its own logs: nothing else", () => {
    const { Properties: hook } = preTrafficHook(template).resource;
    const roleId = (hook.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
    const statements = policies
      .filter(({ Properties: p }) => JSON.stringify(p.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(({ Properties: p }) => (p.PolicyDocument as { Statement: JsonObject[] }).Statement);
    const byAction = Object.fromEntries(statements.map((s) => [String(s.Action), s.Resource]));
    expect(Object.keys(byAction).sort()).toEqual([
      'codedeploy:PutLifecycleEventHookExecutionStatus',
      'lambda:InvokeFunction',
      'logs:CreateLogStream,logs:PutLogEvents',
    ]);
    expect(byAction['lambda:InvokeFunction']).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId, 'Arn'] }, ':*']],
    });
    expect(JSON.stringify(byAction['codedeploy:PutLifecycleEventHookExecutionStatus'])).toContain('deploymentgroup:');
    const logGroupId = ((hook.LoggingConfig as JsonObject).LogGroup as { Ref: string }).Ref;
    expect(byAction['logs:CreateLogStream,logs:PutLogEvents']).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    expect(resources(template)[logGroupId]?.Properties.RetentionInDays).toBe(365);
  });

  it('with -c compliance=strict runs in the VPC, reaching Lambda and CodeDeploy through endpoints, its logs encrypted', async () => {
    const { template: strict } = await synthesize({ context: { compliance: 'strict' } });
    const { Properties: hook } = preTrafficHook(strict).resource;
    expect(hook.VpcConfig).toBeDefined();
    expect(hook.TracingConfig).toEqual({ Mode: 'Active' });
    const services = Object.values(strict.findResources('AWS::EC2::VPCEndpoint')).map((endpoint) =>
      JSON.stringify((endpoint as Resource).Properties.ServiceName),
    );
    expect(services.filter((name) => /\.lambda"|\.codedeploy"/.test(name))).toHaveLength(2);
    const logGroupId = ((hook.LoggingConfig as JsonObject).LogGroup as { Ref: string }).Ref;
    expect(resources(strict)[logGroupId]?.Properties.KmsKeyId).toBeDefined();
  }, 120_000);
});

/** The function CodeDeploy runs after all traffic has moved, named by the alias's update policy. */
function postTrafficHook(template: Template): { logicalId: string; resource: Resource } {
  const policy = only(template, 'AWS::Lambda::Alias').resource.UpdatePolicy?.CodeDeployLambdaAliasUpdate as JsonObject;
  const logicalId = (policy.AfterAllowTrafficHook as { Ref: string } | undefined)?.Ref ?? '';
  return { logicalId, resource: resources(template)[logicalId] as Resource };
}

/** Every statement of the policies attached to `hook`'s role, keyed by action. */
function grantsOf(template: Template, hook: Resource): Record<string, unknown> {
  const roleId = (hook.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  return Object.fromEntries(
    policies
      .filter(({ Properties: p }) => JSON.stringify(p.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(({ Properties: p }) => (p.PolicyDocument as { Statement: JsonObject[] }).Statement)
      .map((statement) => [String(statement.Action), statement.Resource]),
  );
}

describe('the post-traffic check (AfterAllowTraffic), through the real stage', () => {
  it("is the alias's AfterAllowTraffic hook (a Failed report rolls the alias back), set up before the alias moves", () => {
    const hook = postTrafficHook(template);
    expect(hook.resource?.Properties).toBeDefined();
    expect(hook.logicalId).not.toBe(preTrafficHook(template).logicalId);
    expect(only(template, 'AWS::Lambda::Alias').resource.DependsOn).toContain(hook.logicalId);
    // CodeDeploy may invoke it
    const group = only(template, 'AWS::CodeDeploy::DeploymentGroup').resource.Properties;
    const serviceRole = (group.ServiceRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const invokes = (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
      .filter(({ Properties: p }) => JSON.stringify(p.Roles).includes(serviceRole))
      .flatMap(({ Properties: p }) => (p.PolicyDocument as { Statement: JsonObject[] }).Statement)
      .filter((statement) => statement.Action === 'lambda:InvokeFunction');
    expect(JSON.stringify(invokes)).toContain(hook.logicalId);
  });

  it("reuses the pre-traffic check's bundle, and finds the stage from the live alias's policy (not the API: a cycle)", () => {
    const { Properties: post } = postTrafficHook(template).resource;
    const { Properties: pre } = preTrafficHook(template).resource;
    expect(post.Code).toEqual(pre.Code);
    expect(post).toMatchObject({
      Handler: 'index.postTrafficHandler',
      Architectures: ['arm64'],
      Environment: {
        Variables: {
          ALIAS_ARN: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId, 'Arn'] }, `:${LIVE_ALIAS}`]] },
          AUTH_MODE: 'apiKey',
          API_KEY_ID: { Ref: expect.stringMatching(/ReleaseApiKey/) },
        },
      },
    });
  });

  it("may read the alias's policy and the release key (no client's), report to this deployment group, log: nothing that writes", () => {
    const hook = postTrafficHook(template).resource;
    const grants = grantsOf(template, hook);
    expect(Object.keys(grants).sort()).toEqual([
      'apigateway:GET',
      'codedeploy:PutLifecycleEventHookExecutionStatus',
      'lambda:GetPolicy',
      'logs:CreateLogStream,logs:PutLogEvents',
    ]);
    expect(grants['lambda:GetPolicy']).toEqual(
      hook.Properties.Environment && (hook.Properties.Environment as { Variables: JsonObject }).Variables.ALIAS_ARN,
    );
    expect(JSON.stringify(grants['apigateway:GET'])).toMatch(/\/apikeys\/",\{"Ref":"[^"]*ReleaseApiKey/);
    expect(JSON.stringify(grants['apigateway:GET'])).not.toMatch(/FirstApiKey/);
  });

  it('keeps its own key with createApiKey=false: no client key, the release key still read and sent', async () => {
    const { template: keyless } = await synthesize({ context: { createApiKey: 'false' } });
    const hook = postTrafficHook(keyless).resource;
    expect((hook.Properties.Environment as { Variables: JsonObject }).Variables.API_KEY_ID).toEqual({
      Ref: expect.stringMatching(/ReleaseApiKey/),
    });
    expect(JSON.stringify(grantsOf(keyless, hook)['apigateway:GET'])).toMatch(/ReleaseApiKey/);
  }, 120_000);

  it.each([
    ['iam', {}, ['execute-api:Invoke'], true],
    ['none', {}, [], false],
  ] as const)(
    "auth=%s %o: signs with its own role (the probes' routes only), or sends no credentials",
    async (auth, more, extra, resource) => {
      const { template: mode } = await synthesize({ context: { auth, ...more } });
      const hook = postTrafficHook(mode).resource;
      const variables = (hook.Properties.Environment as { Variables: JsonObject }).Variables;
      expect(variables).toMatchObject({ AUTH_MODE: auth });
      expect(variables.API_KEY_ID).toBeUndefined();
      const grants = grantsOf(mode, hook);
      expect(Object.keys(grants).sort()).toEqual(
        [
          'codedeploy:PutLifecycleEventHookExecutionStatus',
          'lambda:GetPolicy',
          'logs:CreateLogStream,logs:PutLogEvents',
          ...extra,
        ].sort(),
      );
      if (resource) {
        // exactly the routes the probes send credentials to: each lookup, each write in a form the API refuses
        const granted = JSON.stringify(grants['execute-api:Invoke']);
        const routes = credentialedRoutes();
        for (const { method, path } of routes) expect(granted).toContain(`*/*/${method}${path}"`);
        expect(granted.match(/\*\/\*\/[A-Z]+\//g)).toHaveLength(routes.length);
      }
    },
    120_000,
  );
});

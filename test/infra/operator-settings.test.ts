/**
 * Settings an operator turns on for one situation (infra/README.md): deletion protection once the first deploy has
 * succeeded, the console-built function's log group adopted, a hotfix while a release alarm is in ALARM, the iam
 * suite's permission attached by the stack, and the CI runner's address exempt from staging's WAF rate rule.
 * GIVEN each setting from context, THEN the template does what the README says, and by default it does not.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, withDefaults } from '../../infra/settings.js';
import { undeletableOnFailedCreate } from './failed-create.js';
import { synthesize } from './synth.js';

type JsonObject = Record<string, unknown>;
interface Resource {
  readonly Type: string;
  readonly Properties: JsonObject;
  readonly DeletionPolicy?: string;
}

function resourcesOf(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}

function onlyOf(template: Template, type: string): [string, Resource] {
  const found = Object.entries(resourcesOf(template)).filter(([, resource]) => resource.Type === type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0] as [string, Resource];
}

const SUITE_ROLE = 'arn:aws:iam::123456789012:role/customers-api-deploy';

// The default and strict profiles' templates are checked where they are synthesized (customers-api-stack.test.ts);
// this file synthesizes only what its settings change.
let operated: Template;

beforeAll(async () => {
  ({ template: operated } = await synthesize({
    context: { tableDeletionProtection: 'true', existingFunctionLogGroup: 'true', ignoreReleaseAlarms: 'true' },
  }));
}, 180_000);

describe('a failed first create rolls back cleanly (the table)', () => {
  it('combines RetainExceptOnCreate with deletion protection on no resource, with protection turned on either', () => {
    expect(Object.values(resourcesOf(operated)).filter((r) => r.Type === 'AWS::DynamoDB::Table')).toHaveLength(1);
    expect(undeletableOnFailedCreate(operated)).toEqual([]);
  });

  it('-c tableDeletionProtection=true (after the first deploy): protection on, and the table plainly Retained', () => {
    const [, table] = onlyOf(operated, 'AWS::DynamoDB::Table');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(DEFAULT_SETTINGS.tableDeletionProtection).toBe(false);
  });
});

describe("moving in: the console-built function's log group", () => {
  const name = `/aws/lambda/${DEFAULT_SETTINGS.functionName}`;
  const logGroupNames = (template: Template) =>
    Object.values(resourcesOf(template))
      .filter((resource) => resource.Type === 'AWS::Logs::LogGroup')
      .map((resource) => resource.Properties.LogGroupName);

  it('-c existingFunctionLogGroup=true adopts it by name: not created, the function logs there and may write it', () => {
    expect(logGroupNames(operated)).not.toContain(name);
    const [, fn] = Object.entries(resourcesOf(operated)).find(
      ([, resource]) => resource.Properties.FunctionName === DEFAULT_SETTINGS.functionName,
    ) as [string, Resource];
    expect((fn.Properties.LoggingConfig as JsonObject).LogGroup).toBe(name);
    const policies = Object.values(resourcesOf(operated)).filter((resource) => resource.Type === 'AWS::IAM::Policy');
    const writes = policies
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: JsonObject[] }).Statement)
      .filter((statement) => statement.Sid === 'WriteOwnLogs');
    expect(writes.some((statement) => JSON.stringify(statement.Resource).includes(`:log-group:${name}:*`))).toBe(true);
  });
});

describe('a hotfix while a release alarm is in ALARM', () => {
  const alarmConfiguration = (template: Template) =>
    onlyOf(template, 'AWS::CodeDeploy::DeploymentGroup')[1].Properties.AlarmConfiguration as {
      Enabled: boolean;
      Alarms: unknown[];
    };

  // by default it reads them: test/infra/canary-releases.test.ts, "rolls back when a release alarm fires"
  it('-c ignoreReleaseAlarms=true: CodeDeploy ignores them for that deploy; the alarms and both checks stay', () => {
    const configuration = alarmConfiguration(operated);
    expect(configuration.Enabled).toBe(false);
    expect(configuration.Alarms.length).toBeGreaterThanOrEqual(2);
    const [, alias] = onlyOf(operated, 'AWS::Lambda::Alias');
    const policy = (alias as unknown as { UpdatePolicy: { CodeDeployLambdaAliasUpdate: JsonObject } }).UpdatePolicy
      .CodeDeployLambdaAliasUpdate;
    expect(policy.BeforeAllowTrafficHook).toBeDefined();
    expect(policy.AfterAllowTrafficHook).toBeDefined();
  });
});

describe("auth=iam: the contract suite's permission exists before the suite runs", () => {
  /** The roles each of the stack's read and write policies is attached to. */
  async function attachments(context: Record<string, string>) {
    const { template } = await synthesize({ context: { auth: 'iam', ...context } });
    const policies = Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    const roles = (method: string) =>
      policies.find((policy) => JSON.stringify(policy.Properties.PolicyDocument).includes(`/${method}/customers`))
        ?.Properties.Roles;
    return { read: roles('GET'), write: roles('PUT') };
  }

  it('-c contractSuiteRoleArn=<deploy role>: the stack attaches its read policy to that role itself', async () => {
    const { read, write } = await attachments({ contractSuiteRoleArn: SUITE_ROLE });
    expect(read).toEqual(['customers-api-deploy']);
    expect(write).toBeUndefined();
  });

  it('and the write policy too with -c contractSuiteWrites=true (staging, full suite)', async () => {
    const { read, write } = await attachments({ contractSuiteRoleArn: SUITE_ROLE, contractSuiteWrites: 'true' });
    expect(read).toEqual(['customers-api-deploy']);
    expect(write).toEqual(['customers-api-deploy']);
  });

  // without it, nothing is attached: test/infra/auth-modes.test.ts, "auth=iam"
  it('refuses what is not a role ARN', async () => {
    await expect(synthesize({ context: { auth: 'iam', contractSuiteRoleArn: 'deploy-role' } })).rejects.toThrow(
      /context contractSuiteRoleArn must be an IAM role ARN/,
    );
  });
});

describe("waf=true: the CI runner's address exempt from the per-IP rate rule", () => {
  const rateRule = (template: Template): JsonObject => {
    const rules = onlyOf(template, 'AWS::WAFv2::WebACL')[1].Properties.Rules as JsonObject[];
    const rule = rules.find((candidate) => candidate.Name === 'RateLimitPerIp') as JsonObject;
    return (rule.Statement as { RateBasedStatement: JsonObject }).RateBasedStatement;
  };

  it('-c wafRateLimitExemptAddresses=…: those addresses are not counted; everyone else is, at the same limit', async () => {
    // without it, the rule has no scope-down: test/infra/auth-modes.test.ts, "waf=true"
    const { template: exempt } = await synthesize({
      context: { waf: 'true', wafRateLimitExemptAddresses: '203.0.113.7/32, 198.51.100.0/24' },
    });
    const [ipSetId, ipSet] = onlyOf(exempt, 'AWS::WAFv2::IPSet');
    expect(ipSet.Properties).toMatchObject({
      Scope: 'REGIONAL',
      IPAddressVersion: 'IPV4',
      Addresses: ['203.0.113.7/32', '198.51.100.0/24'],
    });
    expect(rateRule(exempt)).toEqual({
      Limit: DEFAULT_SETTINGS.wafRateLimit,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 300,
      ScopeDownStatement: {
        NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [ipSetId, 'Arn'] } } } },
      },
    });
  });

  it("gives the web ACL and the IP set descriptions AWS WAF accepts (its API's pattern for Description)", async () => {
    // CreateWebACL and CreateIPSet, "Description": the first and last characters without spaces, none outside these
    const DESCRIPTION = /^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]$/;
    const { template } = await synthesize({ context: { waf: 'true', wafRateLimitExemptAddresses: '203.0.113.7/32' } });
    const descriptions = ['AWS::WAFv2::WebACL', 'AWS::WAFv2::IPSet'].map(
      (type) => onlyOf(template, type)[1].Properties.Description as string,
    );
    expect(descriptions).toHaveLength(2);
    for (const description of descriptions) expect(description).toMatch(DESCRIPTION);
  });

  it('refuses an address that is not an IPv4 CIDR', async () => {
    await expect(synthesize({ context: { waf: 'true', wafRateLimitExemptAddresses: '203.0.113.7' } })).rejects.toThrow(
      /context wafRateLimitExemptAddresses must be IPv4 CIDRs/,
    );
  });
});

describe('production (-c production=true, set by the deploy workflow for its production environment)', () => {
  it('cannot synthesize without somewhere for the alarms to go', () => {
    expect(() => withDefaults({ production: true })).toThrow(/production=true needs alarmTopicArn/);
    expect(
      withDefaults({ production: true, alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms' }).production,
    ).toBe(true);
    expect(DEFAULT_SETTINGS.production).toBe(false);
  });
});

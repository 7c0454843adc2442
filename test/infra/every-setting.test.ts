/**
 * Every documented `-c` setting, and the combinations the deploy workflow uses, synthesized as a real account does:
 * through the app entry `cdk synth` runs (infra/customers-api-app.ts), in a concrete account and region (the CLI
 * always gives a region, and an account when credentials resolve), with cdk-nag and the Control Tower rules on, and
 * strict's availability-zone lookup answered as the CLI's context would. GIVEN each setting, THEN the synth succeeds
 * with no finding left. A setting the READMEs or the workflows name that no case here uses fails the last test.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { acknowledgementsFor } from '../../infra/acknowledged-findings.js';
import { POLICY_PLUGINS } from '../../infra/policy-checks.js';
import { CONTEXT_KEYS, type CustomersApiSettings } from '../../infra/settings.js';
import { DEPLOYED_ENV, type Synthesized, synthesize } from './synth.js';

const SUITE_ROLE = `arn:aws:iam::${DEPLOYED_ENV.account}:role/customers-api-deploy`;
const ALARM_TOPIC = `arn:aws:sns:${DEPLOYED_ENV.region}:${DEPLOYED_ENV.account}:customers-api-alarms`;

/** The deploy step's own values (deploy-environment.yml) for staging (full suite) and production (read-only). */
const STAGING_BY_WORKFLOW = {
  ignoreReleaseAlarms: 'false',
  contractSuiteRoleArn: SUITE_ROLE,
  contractSuiteWrites: 'true',
  wafRateLimitExemptAddresses: '203.0.113.7/32',
};
const PRODUCTION_BY_WORKFLOW = {
  ignoreReleaseAlarms: 'false',
  contractSuiteRoleArn: SUITE_ROLE,
  contractSuiteWrites: 'false',
  production: 'true',
  tableDeletionProtection: 'true',
};

/** Each case as `-c key=value` pairs; together they name every setting. */
const SETTING_CASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'the defaults': {},
  'staging by the workflow, auth=iam with the WAF, linear': {
    ...STAGING_BY_WORKFLOW,
    auth: 'iam',
    waf: 'true',
    wafRateLimit: '2000',
    deployment: 'linear',
  },
  'staging by the workflow, strict, API keys, the WAF': {
    ...STAGING_BY_WORKFLOW,
    compliance: 'strict',
    waf: 'true',
  },
  'production by the workflow, a hotfix': {
    ...PRODUCTION_BY_WORKFLOW,
    ignoreReleaseAlarms: 'true',
    alarmTopicArn: ALARM_TOPIC,
  },
  'production by the workflow, strict, auth=iam, all at once': {
    ...PRODUCTION_BY_WORKFLOW,
    compliance: 'strict',
    auth: 'iam',
    deployment: 'allAtOnce',
    alarmTopicArn: ALARM_TOPIC,
  },
  'moving in: the table and the log group adopted, other names': {
    existingTable: 'true',
    tableName: 'customers_legacy',
    existingFunctionLogGroup: 'true',
    functionName: 'customers-api',
    roleName: 'customers-api-function',
    restApiName: 'customers-api',
    stage: 'v1',
  },
  'moving in, strict, auth=none': {
    compliance: 'strict',
    existingTable: 'true',
    existingFunctionLogGroup: 'true',
    auth: 'none',
  },
  'no first key, limits, origins, reserved concurrency, no account-level role': {
    createApiKey: 'false',
    apiKeyRateLimit: '5',
    apiKeyBurstLimit: '8',
    apiKeyQuotaPerMonth: '1000',
    corsAllowedOrigins: 'https://app.example.com,https://admin.example.com',
    throttlingRateLimit: '50',
    throttlingBurstLimit: '60',
    reservedConcurrency: '20',
    apiGatewayCloudWatchRole: 'false',
  },
};

const contextKeyToSetting = Object.fromEntries(
  Object.entries(CONTEXT_KEYS).map(([setting, key]) => [key, setting]),
) as Record<string, keyof CustomersApiSettings>;

/** The settings of a case as the acknowledgements read them. */
function settingsOf(
  context: Readonly<Record<string, string>>,
): Partial<CustomersApiSettings> & Pick<CustomersApiSettings, 'compliance'> {
  const settings: Record<string, unknown> = { compliance: 'standard' };
  for (const [key, value] of Object.entries(context)) {
    const setting = contextKeyToSetting[key];
    if (setting) settings[setting] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return settings as Partial<CustomersApiSettings> & Pick<CustomersApiSettings, 'compliance'>;
}

const synthesized = new Map<string, Promise<Synthesized>>();

/** The case's synth, made once per file: the tests below read the same templates. */
function synthesizedCase(name: string): Promise<Synthesized> {
  const context = SETTING_CASES[name];
  if (!context) throw new Error(`no setting case ${name}`);
  let synth = synthesized.get(name);
  if (!synth) {
    synth = synthesize({ context, env: DEPLOYED_ENV, policyChecks: true });
    synthesized.set(name, synth);
  }
  return synth;
}

/** Each acknowledgement once, as `id: reason` (one rule may be acknowledged on several constructs, each for its reason). */
function acknowledgementsIn(list: readonly { id: string; reason: string }[]): string[] {
  return [...new Set(list.map((finding) => `${finding.id}: ${finding.reason}`))].sort();
}

describe(`every documented setting, synthesized in account ${DEPLOYED_ENV.account}, ${DEPLOYED_ENV.region}, rule packs on`, () => {
  it.each(Object.entries(SETTING_CASES))(
    '%s: synthesizes, every finding fixed or acknowledged',
    async (name, context) => {
      const { findings } = await synthesizedCase(name);
      expect(findings.plugins).toEqual([...POLICY_PLUGINS]);
      expect(findings.violations).toEqual([]);
      // Exactly the acknowledgements reviewed for these settings are used, each with its reason.
      expect(acknowledgementsIn(findings.acknowledged)).toEqual(
        acknowledgementsIn(acknowledgementsFor(settingsOf(context))),
      );
      for (const finding of findings.acknowledged) expect(finding.reason.length).toBeGreaterThan(80);
      // Strict passes every Control Tower control but CT.LAMBDA.PR.2, which cfn-guard cannot resolve statically.
      if (context.compliance === 'strict') {
        expect(
          [...new Set(findings.acknowledged.map((finding) => finding.id))].filter((id) =>
            id.startsWith('cdk-validator-cfnguard::'),
          ),
        ).toEqual(['cdk-validator-cfnguard::lambda_function_public_access_prohibited_check']);
      }
    },
    300_000,
  );

  it('leaves out no setting that infra/README.md, README.md or a workflow names', async () => {
    const texts = await Promise.all(
      ['README.md', 'infra/README.md', '.github/workflows/deploy-environment.yml', '.github/workflows/deploy.yml'].map(
        (path) => readFile(path, 'utf8'),
      ),
    );
    const named = new Set<string>();
    for (const text of texts)
      for (const [, key] of text.matchAll(/-c ([A-Za-z]+)=/g)) if (key !== 'key') named.add(key as string);
    // infra/README.md's "Context values" table: | `key` | default | meaning |
    const table = (texts[1] ?? '').split('## Context values')[1]?.split('\n## ')[0] ?? '';
    for (const [, key] of table.matchAll(/^\| `([A-Za-z]+)` \|/gm)) named.add(key as string);
    expect(named.size).toBeGreaterThanOrEqual(Object.keys(CONTEXT_KEYS).length);
    const used = new Set(Object.values(SETTING_CASES).flatMap((context) => Object.keys(context)));
    expect([...named].filter((key) => !used.has(key)).sort()).toEqual([]);
  });
});

describe('what the deploy workflow relies on, in the templates above', () => {
  it("staging, strict: the deploy role may purge the suite's ids, with the use of the key the table is encrypted with", async () => {
    const { template } = await synthesizedCase('staging by the workflow, strict, API keys, the WAF');
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const [keyId] = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::KMS::Key') ?? [];
    const [tableId] = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::DynamoDB::Table') ?? [];
    const suiteStatements = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy')
      .filter((policy) => JSON.stringify(policy.Properties.Roles ?? []).includes('customers-api-deploy'))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    const allowed = (action: string) =>
      suiteStatements.filter((statement) => ([] as unknown[]).concat(statement.Action).includes(action));
    for (const action of ['dynamodb:Scan', 'dynamodb:BatchWriteItem'])
      expect(JSON.stringify(allowed(action).map((statement) => statement.Resource)), action).toContain(tableId);
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey'])
      expect(
        allowed(action).map((statement) => statement.Resource),
        action,
      ).toContainEqual({
        'Fn::GetAtt': [keyId, 'Arn'],
      });
  }, 300_000);
});

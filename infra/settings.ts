/**
 * The deployment's settings, in one place: each one, its default and its context key. CDK context (`-c key=value`, or
 * the `context` of cdk.json) overrides them key by key (infra/settings-from-context.ts). The operator's table of them
 * is infra/README.md's "Context values", which a test holds to DEFAULT_SETTINGS and CONTEXT_KEYS.
 */
import { DEFAULT_TABLE_NAME } from '../src/shared/customer-table.js';

export const COMPLIANCE_PROFILES = ['standard', 'strict'] as const;
/** Who may call (infra/auth.ts): an API key per client (default), AWS IAM (SigV4), or anyone. */
export const AUTH_MODES = ['apiKey', 'iam', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export type ComplianceProfile = (typeof COMPLIANCE_PROFILES)[number];
/**
 * How a new version takes the traffic (infra/release.ts): 10 % for 5 minutes then all (default), 10 % more every
 * minute, or all at once (sandboxes). Every one of them runs the pre-traffic check and rolls back on alarm.
 */
export const DEPLOYMENT_STRATEGIES = ['canary', 'linear', 'allAtOnce'] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

export interface CustomersApiSettings {
  /** The table's name (`tableName`). */
  readonly tableName: string;
  /**
   * Use a table that already exists under `tableName` instead of creating one (`existingTable=true`): the stack
   * grants the function the store's actions on it and watches it, but neither creates, changes nor deletes it.
   */
  readonly existingTable: boolean;
  /** The function's name (`functionName`); Lambda function names are unique per account and region. */
  readonly functionName: string;
  /** The function role's name (`roleName`); IAM role names are unique per account. */
  readonly roleName: string;
  /** The REST API's name (`restApiName`); API Gateway allows several APIs with one name. */
  readonly restApiName: string;
  /** The stage (`stage`). */
  readonly stageName: string;
  /** Origins allowed to call the API from a browser; `*` for any (`corsAllowedOrigins`, comma-separated). */
  readonly corsAllowedOrigins: readonly string[];
  /** Steady-state requests per second for the whole stage (`throttlingRateLimit`). */
  readonly throttlingRateLimit: number;
  /** Burst of requests for the whole stage (`throttlingBurstLimit`). */
  readonly throttlingBurstLimit: number;
  /**
   * Create API Gateway's account-level CloudWatch role (`AWS::ApiGateway::Account`, one per account and region,
   * shared by every REST API there), which a stage with logging needs (`apiGatewayCloudWatchRole`). Turn it off
   * when the account already has one managed elsewhere.
   */
  readonly apiGatewayCloudWatchRole: boolean;
  /** Executions reserved for the function (`reservedConcurrency`); none by default (see infra/README.md). */
  readonly reservedConcurrency: number | undefined;
  /** SNS topic the alarms notify, on alarm and back to OK (`alarmTopicArn`); none by default. */
  readonly alarmTopicArn: string | undefined;
  /**
   * This stack serves production (`production`; the deploy workflow sets it for its `production` environment): the
   * synth fails without an `alarmTopicArn`, so that no production alarm fires unheard.
   */
  readonly production: boolean;
  /** `standard`, or `strict`: every applicable AWS Control Tower proactive control passes (`compliance`). */
  readonly compliance: ComplianceProfile;
  /** Who may call: `apiKey`, `iam` or `none` (`auth`; infra/auth.ts). */
  readonly auth: AuthMode;
  /** Steady requests per second allowed to each API key (`apiKeyRateLimit`). */
  readonly apiKeyRateLimit: number;
  /** Burst allowed to each API key (`apiKeyBurstLimit`), at least the rate. */
  readonly apiKeyBurstLimit: number;
  /** Requests each API key may make per calendar month (`apiKeyQuotaPerMonth`). */
  readonly apiKeyQuotaPerMonth: number;
  /** With `auth=apiKey`: create a first key in the usage plan (`createApiKey`). */
  readonly createApiKey: boolean;
  /** Attach an AWS WAF web ACL to the stage (`waf`; infra/waf.ts). */
  readonly waf: boolean;
  /** With `waf`: requests one IP address may make in any 5 minutes (`wafRateLimit`, 10 to 2,000,000,000). */
  readonly wafRateLimit: number;
  /** How a new version takes the traffic: `canary`, `linear` or `allAtOnce` (`deployment`; infra/release.ts). */
  readonly deployment: DeploymentStrategy;
  /**
   * DynamoDB deletion protection on the table (`tableDeletionProtection`). Off by default: CloudFormation cannot
   * delete a protected table, so a failed first create could not roll back. Turn it on once the first deploy has
   * succeeded; the table's deletion policy then becomes `Retain` (infra/README.md, "The first deploy").
   */
  readonly tableDeletionProtection: boolean;
  /**
   * Adopt the log group `/aws/lambda/<functionName>` that already exists (left by a console-built function of that
   * name) instead of creating it (`existingFunctionLogGroup`); the stack then neither changes nor deletes it.
   */
  readonly existingFunctionLogGroup: boolean;
  /**
   * Deploy while a release alarm is in ALARM (`ignoreReleaseAlarms`, a hotfix during an incident): CodeDeploy does
   * not read the alarms for this deployment. Off by default; the next deploy without it watches them again.
   */
  readonly ignoreReleaseAlarms: boolean;
  /**
   * With `auth=iam`: the role the contract suite signs with (the deploy role, `contractSuiteRoleArn`); the stack
   * attaches its read policy to it (and its write policy with `contractSuiteWrites`), so the permission exists
   * before the suite runs, on the first deploy too.
   */
  readonly contractSuiteRoleArn: string | undefined;
  /** With `contractSuiteRoleArn`: attach the write policy too (staging's full suite) (`contractSuiteWrites`). */
  readonly contractSuiteWrites: boolean;
  /**
   * With `waf`: IPv4 addresses (CIDR, comma-separated) the per-IP rate rule does not count (`wafRateLimitExemptAddresses`),
   * e.g. the CI runner that runs the whole contract suite against staging; none by default.
   */
  readonly wafRateLimitExemptAddresses: readonly string[];
}

export const DEFAULT_SETTINGS: CustomersApiSettings = {
  tableName: DEFAULT_TABLE_NAME,
  existingTable: false,
  functionName: 'dynamodb-rest-api',
  roleName: 'lambda-dynamodb-rest-api',
  restApiName: 'dynamodb-rest-api',
  stageName: 'prod',
  corsAllowedOrigins: ['*'],
  throttlingRateLimit: 100,
  throttlingBurstLimit: 200,
  apiGatewayCloudWatchRole: true,
  reservedConcurrency: undefined,
  alarmTopicArn: undefined,
  production: false,
  compliance: 'standard',
  auth: 'apiKey',
  apiKeyRateLimit: 10,
  apiKeyBurstLimit: 20,
  apiKeyQuotaPerMonth: 1_000_000,
  createApiKey: true,
  waf: false,
  wafRateLimit: 1000,
  deployment: 'canary',
  tableDeletionProtection: false,
  existingFunctionLogGroup: false,
  ignoreReleaseAlarms: false,
  contractSuiteRoleArn: undefined,
  contractSuiteWrites: false,
  wafRateLimitExemptAddresses: [],
};

/** Context key of each setting (the CLI's `-c key=value`). */
export const CONTEXT_KEYS = {
  tableName: 'tableName',
  existingTable: 'existingTable',
  functionName: 'functionName',
  roleName: 'roleName',
  restApiName: 'restApiName',
  stageName: 'stage',
  corsAllowedOrigins: 'corsAllowedOrigins',
  throttlingRateLimit: 'throttlingRateLimit',
  throttlingBurstLimit: 'throttlingBurstLimit',
  apiGatewayCloudWatchRole: 'apiGatewayCloudWatchRole',
  reservedConcurrency: 'reservedConcurrency',
  alarmTopicArn: 'alarmTopicArn',
  production: 'production',
  compliance: 'compliance',
  auth: 'auth',
  apiKeyRateLimit: 'apiKeyRateLimit',
  apiKeyBurstLimit: 'apiKeyBurstLimit',
  apiKeyQuotaPerMonth: 'apiKeyQuotaPerMonth',
  createApiKey: 'createApiKey',
  waf: 'waf',
  wafRateLimit: 'wafRateLimit',
  deployment: 'deployment',
  tableDeletionProtection: 'tableDeletionProtection',
  existingFunctionLogGroup: 'existingFunctionLogGroup',
  ignoreReleaseAlarms: 'ignoreReleaseAlarms',
  contractSuiteRoleArn: 'contractSuiteRoleArn',
  contractSuiteWrites: 'contractSuiteWrites',
  wafRateLimitExemptAddresses: 'wafRateLimitExemptAddresses',
} as const satisfies Record<keyof CustomersApiSettings, string>;

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Props with their defaults filled in; `undefined` props take the default. */
export function withDefaults(props: Partial<CustomersApiSettings>): CustomersApiSettings {
  const given = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
  const settings = { ...DEFAULT_SETTINGS, ...given } as CustomersApiSettings;
  if (settings.corsAllowedOrigins.length === 0) {
    throw new SettingsError('corsAllowedOrigins must name at least one origin, or *');
  }
  if (settings.apiKeyBurstLimit < settings.apiKeyRateLimit) {
    throw new SettingsError(
      `context apiKeyBurstLimit must be at least apiKeyRateLimit (${settings.apiKeyRateLimit}), got ${settings.apiKeyBurstLimit}`,
    );
  }
  if (settings.production && !settings.alarmTopicArn) {
    throw new SettingsError(
      'context production=true needs alarmTopicArn=<SNS topic ARN>: production alarms must reach someone ' +
        "(add -c alarmTopicArn=arn:aws:sns:… to the production environment's CDK_DEPLOY_ARGS)",
    );
  }
  return settings;
}

/**
 * Access-Control-Allow-Origin on the errors API Gateway and AWS WAF answer themselves, which cannot echo the request's
 * `Origin`: the one allowed origin, or `*` when several are.
 */
export function fixedCorsOrigin(settings: Pick<CustomersApiSettings, 'corsAllowedOrigins'>): string {
  const origins = settings.corsAllowedOrigins;
  return origins.length === 1 ? (origins[0] as string) : '*';
}

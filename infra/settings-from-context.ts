/**
 * Reads the settings from CDK context (`-c key=value`, or the `context` of cdk.json), each with its parser: a bad
 * value fails the synth with a SettingsError naming the key, what it must be, and what it got.
 */
import type { Node } from 'constructs';
import {
  AUTH_MODES,
  COMPLIANCE_PROFILES,
  CONTEXT_KEYS,
  type CustomersApiSettings,
  DEPLOYMENT_STRATEGIES,
  SettingsError,
} from './settings.js';

/** The settings given as context; absent keys are left out, so `{ ...DEFAULT_SETTINGS, ...given }` applies. */
export function settingsFromContext(node: Node): Partial<CustomersApiSettings> {
  const read = (setting: keyof CustomersApiSettings): unknown => {
    const value = node.tryGetContext(CONTEXT_KEYS[setting]);
    return value === '' ? undefined : value;
  };
  const settings: Record<string, unknown> = {};
  const set = <K extends keyof CustomersApiSettings>(
    setting: K,
    parse: (value: unknown, key: string) => CustomersApiSettings[K],
  ) => {
    const value = read(setting);
    if (value !== undefined) settings[setting] = parse(value, CONTEXT_KEYS[setting]);
  };
  set('tableName', text);
  set('existingTable', flag);
  set('functionName', text);
  set('roleName', text);
  set('restApiName', text);
  set('stageName', text);
  set('corsAllowedOrigins', origins);
  set('throttlingRateLimit', positive);
  set('throttlingBurstLimit', positive);
  set('apiGatewayCloudWatchRole', flag);
  set('reservedConcurrency', reservedConcurrency);
  set('alarmTopicArn', topicArn);
  set('production', flag);
  set('compliance', oneOf(COMPLIANCE_PROFILES));
  set('auth', oneOf(AUTH_MODES));
  set('apiKeyRateLimit', whole);
  set('apiKeyBurstLimit', whole);
  set('apiKeyQuotaPerMonth', whole);
  set('createApiKey', flag);
  set('waf', flag);
  set('wafRateLimit', wafRateLimit);
  set('deployment', oneOf(DEPLOYMENT_STRATEGIES));
  set('tableDeletionProtection', flag);
  set('existingFunctionLogGroup', flag);
  set('ignoreReleaseAlarms', flag);
  set('contractSuiteRoleArn', roleArn);
  set('contractSuiteWrites', flag);
  set('wafRateLimitExemptAddresses', cidrs);
  return settings as Partial<CustomersApiSettings>;
}

function text(value: unknown, key: string): string {
  if (typeof value !== 'string')
    throw new SettingsError(`context ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function flag(value: unknown, key: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SettingsError(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}

function positive(value: unknown, key: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new SettingsError(`context ${key} must be a positive number, got ${JSON.stringify(value)}`);
  return number;
}

function whole(value: unknown, key: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new SettingsError(`context ${key} must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return number;
}

function wafRateLimit(value: unknown, key: string): number {
  const number = Number(value);
  // WAF's own bounds for a rate-based rule's limit.
  if (!Number.isInteger(number) || number < 10 || number > 2_000_000_000)
    throw new SettingsError(
      `context ${key} must be a whole number from 10 to 2000000000, got ${JSON.stringify(value)}`,
    );
  return number;
}

/** A parser that accepts one of `choices`. */
function oneOf<T extends string>(choices: readonly T[]): (value: unknown, key: string) => T {
  return (value, key) => {
    if (!(choices as readonly unknown[]).includes(value))
      throw new SettingsError(`context ${key} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    return value as T;
  };
}

function origins(value: unknown, key: string): readonly string[] {
  const list = text(value, key)
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (list.length === 0) throw new SettingsError(`context ${key} must name at least one origin, or *`);
  return list;
}

function reservedConcurrency(value: unknown, key: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new SettingsError(
      `context ${key} must be a whole number of executions ≥ 1, got ${JSON.stringify(value)}; leave it unset to ` +
        'reserve none (an account must keep 10 executions unreserved: with the default quota of 10 none can be reserved)',
    );
  }
  return number;
}

function roleArn(value: unknown, key: string): string {
  const arn = text(value, key);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn))
    throw new SettingsError(
      `context ${key} must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got ${JSON.stringify(arn)}`,
    );
  return arn;
}

/** IPv4 CIDRs, comma-separated (a WAF IP set holds one IP version; CI runners call from IPv4). */
function cidrs(value: unknown, key: string): readonly string[] {
  const list = text(value, key)
    .split(',')
    .map((cidr) => cidr.trim())
    .filter(Boolean);
  for (const cidr of list) {
    if (!/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(cidr))
      throw new SettingsError(`context ${key} must be IPv4 CIDRs such as 203.0.113.7/32, got ${JSON.stringify(cidr)}`);
  }
  return list;
}

function topicArn(value: unknown, key: string): string {
  const arn = text(value, key);
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(arn))
    throw new SettingsError(
      `context ${key} must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got ${JSON.stringify(arn)}`,
    );
  return arn;
}

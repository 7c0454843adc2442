/** Synthesizes the stack for template assertions, with the real Lambda bundle built once per test file. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { customersApiApp } from '../../infra/customers-api-app.js';
import type { CustomersApiStack } from '../../infra/customers-api-stack.js';
import { bundleLambda, bundlePreTrafficCheck } from '../../src/build/bundle-lambda.js';

let built: Promise<{ api: string; preTrafficCheck: string }> | undefined;

/** The Lambda bundles (the API, the pre-traffic check), built by the one build path into temporary folders, once per test file. */
function builtLambdas(): Promise<{ api: string; preTrafficCheck: string }> {
  built ??= Promise.all([
    mkdtemp(join(tmpdir(), 'customers-api-lambda-')),
    mkdtemp(join(tmpdir(), 'customers-api-pre-traffic-check-')),
  ]).then(async ([api, preTrafficCheck]) => {
    await Promise.all([bundleLambda(api), bundlePreTrafficCheck(preTrafficCheck)]);
    return { api, preTrafficCheck };
  });
  return built;
}

export interface SynthOptions {
  readonly context?: Record<string, unknown>;
  /** Replaces the spec, to prove the API follows it. */
  readonly spec?: object;
  /** Runs AWS's rule packs (infra/policy-checks.ts), with the reviewed acknowledgements unless `acknowledge` is false. */
  readonly policyChecks?: boolean;
  readonly acknowledge?: boolean;
  /**
   * The account and region, as the CDK CLI gives them (DEPLOYED_ENV); a lookup the stack makes there (strict's
   * availability zones) is answered from DEPLOYED_LOOKUPS. @default none: an environment-agnostic stack
   */
  readonly env?: Environment;
}

/** An account and region as the CDK CLI hands them to the app when credentials resolve. */
export const DEPLOYED_ENV = { account: '123456789012', region: 'eu-west-1' } as const;

/** What the CLI's context lookups would answer in DEPLOYED_ENV (cdk.context.json after a first synth with credentials). */
export const DEPLOYED_LOOKUPS: Record<string, unknown> = {
  [`availability-zones:account=${DEPLOYED_ENV.account}:region=${DEPLOYED_ENV.region}`]: [
    'eu-west-1a',
    'eu-west-1b',
    'eu-west-1c',
  ],
};

/** The rule packs' findings, each as `<plugin>::<rule>`. */
export interface Findings {
  /** The plugins that reported. */
  readonly plugins: readonly string[];
  readonly violations: readonly string[];
  readonly acknowledged: readonly { id: string; reason: string }[];
}

export interface Synthesized {
  readonly stack: CustomersApiStack;
  readonly template: Template;
  /** Empty unless `policyChecks`. */
  readonly findings: Findings;
}

interface PluginReport {
  readonly pluginName: string;
  readonly violations: { ruleName: string }[];
  readonly suppressedViolations?: { ruleName: string; reason: string }[];
}

export async function synthesize(options: SynthOptions = {}): Promise<Synthesized> {
  const outdir = await mkdtemp(join(tmpdir(), 'customers-api-cdk-'));
  const bundles = await builtLambdas();
  // The app entry `cdk synth` runs (infra/app.ts), with the bundles built here.
  const { app, stack } = customersApiApp({
    outdir,
    context: { ...(options.env ? DEPLOYED_LOOKUPS : {}), ...options.context },
    env: options.env ?? {},
    source: {
      code: lambda.Code.fromAsset(bundles.api),
      preTrafficCheckCode: lambda.Code.fromAsset(bundles.preTrafficCheck),
      ...(options.spec ? { spec: options.spec } : {}),
    },
    acknowledge: options.policyChecks === true && options.acknowledge !== false,
    policyChecks: options.policyChecks === true,
  });
  if (!options.policyChecks)
    return { stack, template: Template.fromStack(stack), findings: { plugins: [], violations: [], acknowledged: [] } };

  try {
    app.synth();
  } catch {
    // unacknowledged findings fail synthesis; they are read from the report below
  }
  const report = JSON.parse(await readFile(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: PluginReport[];
  };
  const id = (plugin: PluginReport, rule: string) => `${plugin.pluginName.replace(/ /g, '-')}::${rule}`;
  const findings = {
    plugins: report.pluginReports.map((plugin) => plugin.pluginName),
    violations: report.pluginReports.flatMap((plugin) => plugin.violations.map((v) => id(plugin, v.ruleName))),
    acknowledged: report.pluginReports.flatMap((plugin) =>
      (plugin.suppressedViolations ?? []).map((v) => ({ id: id(plugin, v.ruleName), reason: v.reason })),
    ),
  };
  // Template.fromStack would synthesize again, and fail again on unacknowledged findings: read the written template.
  const written = JSON.parse(await readFile(join(outdir, `${stack.artifactId}.template.json`), 'utf8'));
  return { stack, template: Template.fromJSON(written), findings };
}

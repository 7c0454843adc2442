/** Synthesizes the stack for template assertions, with the real Lambda bundle built once per test file. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { acknowledgeReviewedFindings } from '../../infra/acknowledged-findings.js';
import { CustomersApiStack } from '../../infra/customers-api-stack.js';
import { addPolicyChecks } from '../../infra/policy-checks.js';
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
}

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
  const app = new App({ outdir, context: options.context ?? {} });
  const bundles = await builtLambdas();
  const stack = new CustomersApiStack(app, 'CustomersApiStack', {
    source: {
      code: lambda.Code.fromAsset(bundles.api),
      preTrafficCheckCode: lambda.Code.fromAsset(bundles.preTrafficCheck),
      ...(options.spec ? { spec: options.spec } : {}),
    },
  });
  if (!options.policyChecks)
    return { stack, template: Template.fromStack(stack), findings: { plugins: [], violations: [], acknowledged: [] } };

  if (options.acknowledge !== false) acknowledgeReviewedFindings(stack.customersApi);
  addPolicyChecks(app);
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

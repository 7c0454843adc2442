/** Synthesizes the stack for template assertions, with the real Lambda bundle built once per test file. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import cdkNag from 'cdk-nag';
import { CustomersApiStack } from '../../infra/customers-api-stack.js';
import { acknowledgeReviewedFindings } from '../../infra/nag-suppressions.js';
import { bundleLambda } from '../../src/build/bundle-lambda.js';

let built: Promise<string> | undefined;

/** The Lambda bundle, built by the one build path into a temporary folder, once per test file. */
function builtLambda(): Promise<string> {
  built ??= mkdtemp(join(tmpdir(), 'customers-api-lambda-')).then(async (dir) => {
    await bundleLambda(dir);
    return dir;
  });
  return built;
}

export interface SynthOptions {
  readonly context?: Record<string, unknown>;
  /** Replaces the spec, to prove the API follows it. */
  readonly spec?: object;
  /** Runs cdk-nag's AwsSolutions pack, with the reviewed acknowledgements unless `acknowledge` is false. */
  readonly nag?: boolean;
  readonly acknowledge?: boolean;
}

interface NagReport {
  readonly violations: { ruleName: string }[];
  readonly suppressedViolations: { ruleName: string; reason: string }[];
}

export interface Synthesized {
  readonly stack: CustomersApiStack;
  readonly template: Template;
  /** cdk-nag's findings: unacknowledged, and acknowledged with their reasons. Empty unless `nag`. */
  readonly nag: NagReport;
}

export async function synthesize(options: SynthOptions = {}): Promise<Synthesized> {
  const outdir = await mkdtemp(join(tmpdir(), 'customers-api-cdk-'));
  const app = new App({ outdir, context: options.context ?? {} });
  const code = lambda.Code.fromAsset(await builtLambda());
  const stack = new CustomersApiStack(app, 'CustomersApiStack', {
    source: { code, ...(options.spec ? { spec: options.spec } : {}) },
  });
  if (!options.nag)
    return { stack, template: Template.fromStack(stack), nag: { violations: [], suppressedViolations: [] } };

  if (options.acknowledge !== false) acknowledgeReviewedFindings(stack.customersApi);
  Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch {
    // unacknowledged findings fail synthesis; they are read from the report below
  }
  const report = JSON.parse(await readFile(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: (NagReport & { pluginName: string })[];
  };
  const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');
  if (!nag) throw new Error(`cdk-nag wrote no AwsSolutions report: ${JSON.stringify(report).slice(0, 500)}`);
  // Template.fromStack would synthesize again, and fail again on unacknowledged findings: read the written template.
  const written = JSON.parse(await readFile(join(outdir, `${stack.artifactId}.template.json`), 'utf8'));
  return { stack, template: Template.fromJSON(written), nag };
}

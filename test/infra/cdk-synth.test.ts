/**
 * `npm run synth` as an operator runs it before a deploy: the CDK CLI, its app entry (infra/app.ts), AWS's rule packs,
 * with a region and an account set as credentials would give them (no AWS call is made: the account comes from
 * CDK_DEFAULT_ACCOUNT). One setting here (`auth=iam`, whose grants name the region and account); every documented
 * setting goes through the same entry in-process in every-setting.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { POLICY_PLUGINS } from '../../infra/policy-checks.js';
import { DEPLOYED_ENV } from './synth.js';

const run = promisify(execFile);

describe('npm run synth (the CDK CLI) with AWS_REGION and an account set', () => {
  it('exits 0 for -c auth=iam, the stack in that account and region, and every rule pack passes', {
    timeout: 300_000,
  }, async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'customers-api-synth-'));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: DEPLOYED_ENV.region,
      CDK_DEFAULT_ACCOUNT: DEPLOYED_ENV.account,
      CDK_DISABLE_VERSION_CHECK: '1',
    };
    await run('npm', ['run', 'synth', '--', '-c', 'auth=iam', '--output', outdir], { env, cwd: process.cwd() });
    const manifest = JSON.parse(await readFile(join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.CustomersApiStack.environment).toBe(
      `aws://${DEPLOYED_ENV.account}/${DEPLOYED_ENV.region}`,
    );
    const template = JSON.parse(await readFile(join(outdir, 'CustomersApiStack.template.json'), 'utf8'));
    expect(template.Outputs.AuthMode.Value).toBe('iam');
    const report = JSON.parse(await readFile(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.map((plugin: { pluginName: string }) => plugin.pluginName)).toEqual([
      ...POLICY_PLUGINS,
    ]);
    expect(report.pluginReports.map((plugin: { conclusion: string }) => plugin.conclusion)).toEqual(
      POLICY_PLUGINS.map(() => 'success'),
    );
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { POLICY_PLUGINS } from '../../infra/policy-checks.js';

const run = promisify(execFile);

describe('cdk synth (the CLI, as `npm run synth` runs it)', () => {
  it('synthesizes offline, with no AWS account, and every rule pack passes', { timeout: 300_000 }, async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'customers-api-synth-'));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      CDK_DISABLE_VERSION_CHECK: '1',
    };
    await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--output', outdir], { env, cwd: process.cwd() });
    const template = JSON.parse(await readFile(join(outdir, 'CustomersApiStack.template.json'), 'utf8'));
    expect(Object.values(template.Resources).map((resource) => (resource as { Type: string }).Type)).toContain(
      'AWS::ApiGateway::RestApi',
    );
    const report = JSON.parse(await readFile(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.map((plugin: { pluginName: string }) => plugin.pluginName)).toEqual([
      ...POLICY_PLUGINS,
    ]);
    expect(report.pluginReports.map((plugin: { conclusion: string }) => plugin.conclusion)).toEqual(
      POLICY_PLUGINS.map(() => 'success'),
    );
  });
});

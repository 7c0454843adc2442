/**
 * AWS's own rules, run on every synth (`npm run synth`, `npm test`): cdk-nag's AwsSolutions and Serverless packs,
 * and AWS Control Tower's proactive controls with cfn-guard (`@cdklabs/cdk-validator-cfnguard`, which ships the
 * rules and the cfn-guard binary). A finding fails the synth unless it is fixed or acknowledged in
 * infra/acknowledged-findings.ts with its reason.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { type App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';

/** The plugins' names, as the validation report and acknowledgement ids carry them. */
export const POLICY_PLUGINS = ['AwsSolutions', 'Serverless', 'cdk-validator-cfnguard'] as const;

export function addPolicyChecks(app: App): void {
  Validations.of(app).addPlugins(
    new cdkNag.AwsSolutionsChecks(app, { verbose: true }),
    new cdkNag.ServerlessChecks(app, { verbose: true }),
    new CfnGuardValidator({ controlTowerRulesEnabled: true }),
  );
}

/** The CDK app (`cdk.json`): builds the Lambda bundles (the API and the pre-traffic check) by the one build path, then synthesizes the stack. */
import { App } from 'aws-cdk-lib';
import { bundleLambda, bundlePreTrafficCheck } from '../src/build/bundle-lambda.js';
import { acknowledgeReviewedFindings } from './acknowledged-findings.js';
import { CustomersApiStack } from './customers-api-stack.js';
import { addPolicyChecks } from './policy-checks.js';

await Promise.all([bundleLambda(), bundlePreTrafficCheck()]);

const app = new App();
const stack = new CustomersApiStack(app, 'CustomersApiStack', {
  // Account and region come from the deploying credentials; synth needs neither.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
acknowledgeReviewedFindings(stack.customersApi);
addPolicyChecks(app);
app.synth();

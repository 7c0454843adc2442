/** The CDK app (`cdk.json`): builds the Lambda bundle by the one build path, then synthesizes the stack. */
import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { bundleLambda } from '../src/build/bundle-lambda.js';
import { CustomersApiStack } from './customers-api-stack.js';
import { acknowledgeReviewedFindings } from './nag-suppressions.js';

await bundleLambda();

const app = new App();
const stack = new CustomersApiStack(app, 'CustomersApiStack', {
  // Account and region come from the deploying credentials; synth needs neither.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
acknowledgeReviewedFindings(stack.customersApi);
Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
app.synth();

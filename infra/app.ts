/** The CDK app (`cdk.json`): builds the Lambda bundles (the API and the release checks) by the one build path, then synthesizes the stack. */
import { bundleLambda, bundlePreTrafficCheck } from '../src/build/bundle-lambda.js';
import { customersApiApp } from './customers-api-app.js';

await Promise.all([bundleLambda(), bundlePreTrafficCheck()]);

// Account and region come from the deploying credentials (the CLI sets both); synth needs neither.
const { app } = customersApiApp({
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();

/**
 * The CDK app as `cdk synth` and `cdk deploy` build it (infra/app.ts), in one function so that the tests synthesize
 * exactly what the CLI does: the stack in the account and region it is given (the CLI's `CDK_DEFAULT_ACCOUNT` and
 * `CDK_DEFAULT_REGION`), the reviewed acknowledgements, and AWS's rule packs.
 */
import { App, type AppProps, type Environment } from 'aws-cdk-lib';
import { acknowledgeReviewedFindings } from './acknowledged-findings.js';
import { CustomersApiStack, type CustomersApiStackProps } from './customers-api-stack.js';
import { addPolicyChecks } from './policy-checks.js';

/** The stack's id, which is also the template's file name and the outputs' key (the deploy workflow reads them). */
export const STACK_ID = 'CustomersApiStack';

export interface CustomersApiAppProps extends AppProps {
  /** Where the stack goes: the CLI gives the region always and the account when credentials resolve. */
  readonly env: Environment;
  /** The functions' code and the spec, when not the built defaults. */
  readonly source?: CustomersApiStackProps['source'];
  /** Acknowledge the reviewed findings (infra/acknowledged-findings.ts). @default true */
  readonly acknowledge?: boolean;
  /** Run AWS's rule packs on synth (infra/policy-checks.ts). @default true */
  readonly policyChecks?: boolean;
}

export function customersApiApp(props: CustomersApiAppProps): { app: App; stack: CustomersApiStack } {
  const { env, source, acknowledge = true, policyChecks = true, ...appProps } = props;
  const app = new App(appProps);
  const stack = new CustomersApiStack(app, STACK_ID, { env, ...(source ? { source } : {}) });
  if (acknowledge) acknowledgeReviewedFindings(stack.customersApi);
  if (policyChecks) addPolicyChecks(app);
  return { app, stack };
}

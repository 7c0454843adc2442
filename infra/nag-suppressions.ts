/** cdk-nag (AwsSolutions) findings reviewed and accepted, each with its reason. */
import { Validations } from 'aws-cdk-lib';
import type { CustomersApi } from './customers-api.js';

export const ACKNOWLEDGED_FINDINGS = {
  'AwsSolutions::AwsSolutions-APIG2':
    'Request validation is enabled in the imported OpenAPI body (x-amazon-apigateway-request-validators, validator ' +
    '"all" on every operation), which cdk-nag cannot see; infra tests assert it. The Lambda validates the full contract.',
  'AwsSolutions::AwsSolutions-APIG3':
    'No WAF in the seed design: the API is throttled per stage and validates every request. A WAF web ACL costs a ' +
    'fixed monthly fee; attach one when the API is exposed beyond its known clients.',
  'AwsSolutions::AwsSolutions-APIG6':
    'JSON access logs are enabled for the stage and the function logs one line per request. Execution logging ' +
    'needs the account-wide API Gateway CloudWatch role (an AWS-managed policy), which this stack does not own.',
} as const;

export function acknowledgeReviewedFindings(api: CustomersApi): void {
  const stage = api.api.deploymentStage;
  for (const [id, reason] of Object.entries(ACKNOWLEDGED_FINDINGS)) {
    Validations.of(id.endsWith('APIG2') ? api.api : stage).acknowledge({ id, reason });
  }
}

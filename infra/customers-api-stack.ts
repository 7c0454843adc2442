/** The stack: the customers API configured from CDK context (infra/settings.ts), and its outputs. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CustomersApi, type CustomersApiProps } from './customers-api.js';
import { settingsFromContext } from './settings-from-context.js';

export interface CustomersApiStackProps extends StackProps {
  /** The functions' code and the spec, when not the defaults (dist/lambda, dist/pre-traffic-check, openapi/openapi.yaml). */
  readonly source?: Pick<CustomersApiProps, 'code' | 'preTrafficCheckCode' | 'spec'>;
}

export class CustomersApiStack extends Stack {
  readonly customersApi: CustomersApi;

  constructor(scope: Construct, id: string, props: CustomersApiStackProps = {}) {
    const { source, ...stackProps } = props;
    super(scope, id, { description: 'customers-api: API Gateway REST API, Lambda and DynamoDB table', ...stackProps });
    const customersApi = new CustomersApi(this, 'CustomersApi', { ...settingsFromContext(this.node), ...source });
    this.customersApi = customersApi;
    const { auth, webAcl, settings } = customersApi;
    // At the stack's top level, so that their names are exactly these (the deploy workflow reads them).
    const output = (name: string, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });
    output('CustomersUrl', customersApi.customersUrl, 'GET ?id=… and PUT {"id": …}');
    output('ApiUrl', customersApi.api.url, 'Base URL: API_URL for npm run test:contract');
    output(
      'TableName',
      customersApi.table.tableName,
      'The table (staging: npm run purge:contract-ids after the suite)',
    );
    output(
      'AuthMode',
      settings.auth,
      'Who may call: -c auth=apiKey|iam|none (CONTRACT_AUTH for npm run test:contract)',
    );
    if (auth.usagePlan) {
      output(
        'UsagePlanId',
        auth.usagePlan.usagePlanId,
        'Add a client: aws apigateway create-usage-plan-key --usage-plan-id <this> --key-type API_KEY --key-id <id>',
      );
    }
    if (auth.firstApiKey) {
      output(
        'ApiKeyId',
        auth.firstApiKey.keyId,
        'Read the key: aws apigateway get-api-key --include-value --query value --output text --api-key <this>',
      );
    }
    if (auth.releaseApiKey) {
      output(
        'ReleaseApiKeyId',
        auth.releaseApiKey.keyId,
        "The release pipeline's own key (post-traffic check, the deploy workflow's suite); give clients their own",
      );
    }
    if (auth.readPolicy) output('ReadPolicyArn', auth.readPolicy.managedPolicyArn, 'Attach to callers that read');
    if (auth.writePolicy) output('WritePolicyArn', auth.writePolicy.managedPolicyArn, 'Attach to callers that write');
    if (webAcl) output('WebAclArn', webAcl.attrArn, 'The AWS WAF web ACL on the stage (-c waf=true)');
  }
}

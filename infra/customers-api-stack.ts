/** The stack: the customers API configured from CDK context (infra/settings.ts), and its outputs. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { openapiDocument } from '../src/generated/openapi-document.js';
import { addAuthResources, authDefinitionExtensions, authSettingsFromContext } from './auth.js';
import { CustomersApi, type CustomersApiProps } from './customers-api.js';
import { fixedCorsOrigin, settingsFromContext, withDefaults } from './settings.js';
import { addWaf, wafSettingsFromContext } from './waf.js';

export interface CustomersApiStackProps extends StackProps {
  /** The function code and the spec, when not the defaults (dist/lambda and openapi/openapi.yaml). */
  readonly source?: Pick<CustomersApiProps, 'code' | 'spec'>;
}

export class CustomersApiStack extends Stack {
  readonly customersApi: CustomersApi;

  constructor(scope: Construct, id: string, props: CustomersApiStackProps = {}) {
    const { source, ...stackProps } = props;
    super(scope, id, { description: 'customers-api: API Gateway REST API, Lambda and DynamoDB table', ...stackProps });
    const settings = settingsFromContext(this.node);
    // Who may call (infra/auth.ts) and the optional WAF (infra/waf.ts), from context like the rest.
    const auth = authSettingsFromContext(this.node);
    const definitionExtensions = authDefinitionExtensions(
      auth.mode,
      source?.spec ?? openapiDocument,
      fixedCorsOrigin(withDefaults(settings)),
    );
    this.customersApi = new CustomersApi(this, 'CustomersApi', { ...settings, definitionExtensions, ...source });
    addAuthResources(this, this.customersApi, auth);
    const waf = wafSettingsFromContext(this.node);
    if (waf.enabled) addWaf(this, this.customersApi, waf);
    // At the stack's top level, so that their names are exactly these.
    new CfnOutput(this, 'CustomersUrl', {
      value: this.customersApi.customersUrl,
      description: 'GET ?id=… and PUT {"id": …}',
    });
    new CfnOutput(this, 'ApiUrl', {
      value: this.customersApi.api.url,
      description: 'Base URL: API_URL for npm run test:contract',
    });
  }
}

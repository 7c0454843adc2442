/** The stack, configured from CDK context (`cdk.json`, or `-c key=value`). */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CustomersApi, type CustomersApiProps } from './customers-api.js';

/** Reads one context value, with the seed's names as defaults; a bad value fails synth with a clear message. */
function context(scope: Construct) {
  const raw = (key: string): unknown => scope.node.tryGetContext(key);
  const text = (key: string, fallback: string) => {
    const value = raw(key);
    if (value === undefined || value === '') return fallback;
    if (typeof value !== 'string') throw new Error(`context ${key} must be a string, got ${JSON.stringify(value)}`);
    return value;
  };
  const positive = (key: string, fallback: number) => {
    const value = raw(key);
    if (value === undefined || value === '') return fallback;
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0)
      throw new Error(`context ${key} must be a positive number, got ${JSON.stringify(value)}`);
    return number;
  };
  return {
    stageName: text('stage', 'prod'),
    tableName: text('tableName', 'customer_ids'),
    corsAllowedOrigins: text('corsAllowedOrigins', '*')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    throttlingRateLimit: positive('throttlingRateLimit', 100),
    throttlingBurstLimit: positive('throttlingBurstLimit', 200),
  };
}

export interface CustomersApiStackProps extends StackProps {
  /** The function code and the spec, when not the defaults (dist/lambda and openapi/openapi.yaml). */
  readonly source?: Pick<CustomersApiProps, 'code' | 'spec'>;
}

export class CustomersApiStack extends Stack {
  readonly customersApi: CustomersApi;

  constructor(scope: Construct, id: string, props: CustomersApiStackProps = {}) {
    const { source, ...stackProps } = props;
    super(scope, id, { description: 'customers-api: API Gateway REST API, Lambda and DynamoDB table', ...stackProps });
    this.customersApi = new CustomersApi(this, 'CustomersApi', { ...context(this), ...source });
  }
}

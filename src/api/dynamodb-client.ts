/**
 * The DynamoDB client, built once per process. Timeouts and retries are bounded so a request ends well
 * inside API Gateway's 29 s integration limit even when DynamoDB does not answer:
 * maxAttempts × (connect + request timeout) + backoff ≈ 3 × 3 s + < 1 s with the defaults.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HandlerConfig } from '../shared/config.js';

export interface DynamoDbClientOptions
  extends Pick<HandlerConfig, 'dynamoDbRequestTimeoutMs' | 'dynamoDbConnectTimeoutMs' | 'dynamoDbMaxAttempts'> {
  /** An explicit endpoint (the embedded emulator). Otherwise the SDK's own resolution applies, including `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpoint?: string;
  /** Static credentials (the embedded emulator accepts any). Otherwise the SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Region; otherwise the SDK's (`AWS_REGION`, set in Lambda). */
  readonly region?: string;
}

export function createDynamoDbClient(options: DynamoDbClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: options.dynamoDbMaxAttempts,
    requestHandler: {
      connectionTimeout: options.dynamoDbConnectTimeoutMs,
      requestTimeout: options.dynamoDbRequestTimeoutMs,
      // Without this, the SDK only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
      // requestTimeout ends when the answer's headers arrive; a body that then stalls is caught by the socket's
      // idle timeout only (test/integration/faults.test.ts: "when DynamoDB stalls in the middle of an answer").
      socketTimeout: options.dynamoDbRequestTimeoutMs,
    },
  });
}

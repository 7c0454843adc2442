/** Typed factory for the Lambda context object the Node.js runtime hands a handler. */
import type { Context } from 'aws-lambda';

export function lambdaContext(overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'dynamodb-rest-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dynamodb-rest-api',
    memoryLimitInMB: '256',
    awsRequestId: '8f5e2a4c-1b7d-4c3e-9a6f-0d2b4e6c8a1f',
    logGroupName: '/aws/lambda/dynamodb-rest-api',
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

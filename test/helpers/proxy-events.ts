/** Typed factory for API Gateway REST proxy events (v1), shaped as a real REST API sends them. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { anonymousIdentity } from '../../src/shared/proxy-identity.js';

export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  const httpMethod = overrides.httpMethod ?? 'GET';
  const path = overrides.path ?? '/customers';
  return {
    resource: path,
    path,
    httpMethod,
    headers: { Host: 'abc123.execute-api.us-east-1.amazonaws.com' },
    multiValueHeaders: { Host: ['abc123.execute-api.us-east-1.amazonaws.com'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      httpMethod,
      identity: anonymousIdentity('203.0.113.7', 'vitest'),
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_700_000_000_000,
      resourceId: 'abc123',
      resourcePath: path,
      stage: 'prod',
    },
    ...overrides,
  };
}

/** A PUT /customers event with a JSON body. */
export function putEvent(body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  return proxyEvent({
    httpMethod: 'PUT',
    body,
    headers: { Host: 'abc123.execute-api.us-east-1.amazonaws.com', ...headers },
  });
}

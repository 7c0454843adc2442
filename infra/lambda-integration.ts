/**
 * Where every request goes: the function, through a Lambda proxy integration on every operation of the spec (a new
 * operation is deployed with no change to infra/), and on any other method of a path, so that the function answers
 * 405 with `Allow`, and OPTIONS with the CORS preflight for the configured origins, exactly as the local server does.
 */
import type { JsonObject } from './spec-document.js';

/** The `x-amazon-apigateway-integration` of every operation: the function (its `live` alias), as a Lambda proxy. */
export function lambdaProxyIntegration(integrationUri: string): JsonObject {
  return {
    type: 'aws_proxy',
    httpMethod: 'POST',
    uri: integrationUri,
    passthroughBehavior: 'when_no_match',
  };
}

/** The `x-amazon-apigateway-any-method` of every path: the methods the spec does not have reach the function too. */
export function otherMethodsToTheFunction(integration: JsonObject): JsonObject {
  return {
    summary: 'Other methods: 405 with Allow; OPTIONS: CORS preflight',
    responses: { '200': { description: 'Answered by the function' } },
    'x-amazon-apigateway-integration': integration,
  };
}

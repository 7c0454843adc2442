/** The `requestContext.identity` of a v1 proxy event for a caller API Gateway knows only by address and user agent. */
import type { APIGatewayEventIdentity } from 'aws-lambda';

/** No key, no IAM caller, no Cognito identity: every field API Gateway sends as `null` for such a caller. */
export function anonymousIdentity(sourceIp: string, userAgent: string | null): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}

/**
 * Who may call, in the synthesized template (infra/auth.ts, infra/waf.ts): GIVEN a context (`-c auth=…`, `-c waf=…`),
 * WHEN the stack is synthesized, THEN the imported API definition and the resources beside it say the same as the
 * spec, for each mode. AWS's rule packs stay clean in every mode.
 */

import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { specForAuthMode } from '../../infra/auth-spec.js';
import { type AuthMode, DEFAULT_SETTINGS } from '../../infra/settings.js';
import { operationsOf } from '../../infra/spec-document.js';
import { COMMON_RULES_COUNTED, WAF_RULES } from '../../infra/waf.js';
import { MAX_BODY_BYTES } from '../../src/api/request-handler.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { type HttpMethod, SAFE_METHODS } from '../../src/shared/http-methods.js';
import { specOperations } from '../helpers/spec-examples.js';
import { specMethods } from '../helpers/spec-methods.js';
import { synthesize } from './synth.js';

type JsonObject = Record<string, unknown>;

function importedBody(template: Template): { paths: Record<string, Record<string, JsonObject>> } & JsonObject {
  const apis = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
  expect(apis).toHaveLength(1);
  return (apis[0] as { Properties: { Body: never } }).Properties.Body;
}

/** Security of each of the spec's operations as imported, by "METHOD path". */
function securityByOperation(template: Template): Record<string, unknown> {
  const body = importedBody(template);
  // Walked by the tests' own helper, so that the production walker (operationsOf, below) is checked against it.
  return Object.fromEntries(
    specOperations().map(({ path, method }) => [
      `${method} ${path}`,
      body.paths[path]?.[method.toLowerCase()]?.security,
    ]),
  );
}

/** Security of each operation in the document published for `mode` (`npm run docs -- --auth <mode>`). */
function publishedSecurity(mode: AuthMode): Record<string, unknown> {
  return Object.fromEntries(
    operationsOf(specForAuthMode(openapiDocument, mode)).map(({ path, method, operation }) => [
      `${method.toUpperCase()} ${path}`,
      operation.security,
    ]),
  );
}

/** The headers the API's own errors carry, which the WAF's answers carry too (as the spec declares). */
const API_ERROR_HEADERS = [
  { Name: 'Access-Control-Allow-Origin', Value: '*' },
  { Name: 'Cache-Control', Value: 'no-store' },
];

function gatewayResponse(template: Template, type: string): JsonObject {
  return (importedBody(template)['x-amazon-apigateway-gateway-responses'] as Record<string, JsonObject>)[type] ?? {};
}

describe('auth=apiKey (the default)', () => {
  let template: Template;
  beforeAll(async () => {
    ({ template } = await synthesize());
  }, 240_000);

  it('requires the API key on every operation of the spec, read from the x-api-key header', () => {
    const security = securityByOperation(template);
    expect(Object.keys(security).length).toBeGreaterThan(0);
    for (const [operation, requirements] of Object.entries(security)) {
      expect(requirements, operation).toEqual([{ apiKey: [] }]);
    }
    const body = importedBody(template);
    expect(body['x-amazon-apigateway-api-key-source']).toBe('HEADER');
    expect(body.components).toEqual({
      securitySchemes: { apiKey: { type: 'apiKey', name: 'x-api-key', in: 'header' } },
    });
  });

  it('imports exactly the security of the document published for the mode (the spec as written)', () => {
    expect(securityByOperation(template)).toEqual(publishedSecurity('apiKey'));
  });

  it('asks no key of the CORS preflight and the 405s (the path’s any-method)', () => {
    for (const item of Object.values(importedBody(template).paths)) {
      expect(item['x-amazon-apigateway-any-method']?.security).toBeUndefined();
    }
  });

  it('puts a usage plan on the stage with a per-key throttle and a monthly quota', () => {
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: {
        RateLimit: DEFAULT_SETTINGS.apiKeyRateLimit,
        BurstLimit: DEFAULT_SETTINGS.apiKeyBurstLimit,
      },
      Quota: { Limit: DEFAULT_SETTINGS.apiKeyQuotaPerMonth, Period: 'MONTH' },
      ApiStages: [Match.objectLike({ ApiId: Match.anyValue(), Stage: Match.anyValue() })],
    });
  });

  it("creates a first client key and the release pipeline's own key in the plan, and outputs how to read them", () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Enabled: true,
      Value: Match.absent(),
      Description: Match.stringLikeRegexp('the first client key'),
    });
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Enabled: true,
      Value: Match.absent(),
      Description: Match.stringLikeRegexp("the release pipeline's key"),
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
    template.hasOutput('ApiKeyId', { Description: Match.stringLikeRegexp('get-api-key --include-value') });
    template.hasOutput('ReleaseApiKeyId', { Value: { Ref: Match.stringLikeRegexp('ReleaseApiKey') } });
    template.hasOutput('UsagePlanId', { Description: Match.stringLikeRegexp('create-usage-plan-key') });
    template.hasOutput('AuthMode', { Value: 'apiKey' });
  });

  it('keeps an unknown path a 404 (no IAM method shares its gateway response)', () => {
    expect(gatewayResponse(template, 'MISSING_AUTHENTICATION_TOKEN')).toMatchObject({ statusCode: '404' });
  });

  it('has no WAF unless asked', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });
});

describe('auth=apiKey limits from context', () => {
  it('sets each key’s throttle and quota, and can leave the first client key out (the release key stays)', async () => {
    const { template } = await synthesize({
      context: { apiKeyRateLimit: '5', apiKeyBurstLimit: '8', apiKeyQuotaPerMonth: '20000', createApiKey: 'false' },
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 5, BurstLimit: 8 },
      Quota: { Limit: 20000, Period: 'MONTH' },
    });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Description: Match.stringLikeRegexp("the release pipeline's key"),
    });
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('ApiKeyId');
    template.hasOutput('ReleaseApiKeyId', {});
  }, 240_000);

  it.each([
    [{ auth: 'basic' }, /context auth must be one of apiKey, iam, none, got "basic"/],
    [{ apiKeyQuotaPerMonth: 'lots' }, /context apiKeyQuotaPerMonth must be a whole number/],
    [{ apiKeyRateLimit: '50', apiKeyBurstLimit: '10' }, /apiKeyBurstLimit must be at least apiKeyRateLimit/],
    [{ waf: 'yes' }, /context waf must be true or false/],
  ])(
    'fails the synth on %o, naming the setting',
    async (context, message) => {
      await expect(synthesize({ context })).rejects.toThrow(message);
    },
    240_000,
  );
});

describe('auth=iam', () => {
  let template: Template;
  beforeAll(async () => {
    ({ template } = await synthesize({ context: { auth: 'iam' } }));
  }, 240_000);

  it('attaches its read and write policies to no role unless -c contractSuiteRoleArn names one', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(policies).toHaveLength(2);
    for (const { Properties: policy } of policies) expect(policy.Roles).toBeUndefined();
  });

  it('makes every operation of the spec AWS_IAM (SigV4)', () => {
    for (const [operation, requirements] of Object.entries(securityByOperation(template))) {
      expect(requirements, operation).toEqual([{ sigv4: [] }]);
    }
    expect(importedBody(template).components).toEqual({
      securitySchemes: {
        sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      },
    });
    expect(importedBody(template)['x-amazon-apigateway-api-key-source']).toBeUndefined();
  });

  it('imports exactly the security of the document published for the mode', () => {
    expect(securityByOperation(template)).toEqual(publishedSecurity('iam'));
  });

  it.each(['ACCESS_DENIED', 'INVALID_SIGNATURE'])('answers %s 403 {"message":"Forbidden"}, no AWS text', (type) => {
    const response = gatewayResponse(template, type);
    expect(response.statusCode).toBe('403');
    const body = JSON.parse((response.responseTemplates as Record<string, string>)['application/json'] as string);
    expect(body).toEqual({ message: 'Forbidden' });
  });

  it('answers an unsigned request 401 with the scheme to use, not a disguised 404', () => {
    const response = gatewayResponse(template, 'MISSING_AUTHENTICATION_TOKEN');
    expect(response.statusCode).toBe('401');
    expect(response.responseParameters).toMatchObject({
      'gatewayresponse.header.WWW-Authenticate': "'AWS4-HMAC-SHA256'",
      'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
    });
    const body = JSON.parse((response.responseTemplates as Record<string, string>)['application/json'] as string);
    expect(body).toEqual({ message: 'Missing Authentication Token' });
  });

  it("offers separate read (the spec's safe methods) and write (the others) policies, and no usage plan or key", () => {
    const policies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).map(([id, policy]) => ({
      id,
      ...(policy as { Properties: { PolicyDocument: { Statement: JsonObject[] } } }).Properties,
    }));
    expect(policies).toHaveLength(2);
    const methodsOf = (kind: string) => {
      const policy = policies.find(({ id }) => id.includes(kind));
      const [statement] = policy?.PolicyDocument.Statement ?? [];
      expect(statement?.Action).toBe('execute-api:Invoke');
      return [...JSON.stringify(statement?.Resource).matchAll(/\/([A-Z]+)\/customers/g)].map(([, method]) => method);
    };
    const methods = specMethods('/customers');
    const safe = (method: string) => SAFE_METHODS.has(method.toLowerCase() as HttpMethod);
    expect(methodsOf('ReadPolicy').sort()).toEqual(methods.filter(safe).sort());
    expect(methodsOf('WritePolicy').sort()).toEqual(methods.filter((method) => !safe(method)).sort());
    template.hasOutput('ReadPolicyArn', {});
    template.hasOutput('WritePolicyArn', {});
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
  });
});

describe('auth=none', () => {
  it('puts no security on any operation, and no key, plan or policy beside the API', async () => {
    const { template } = await synthesize({ context: { auth: 'none' } });
    for (const [operation, requirements] of Object.entries(securityByOperation(template))) {
      expect(requirements, operation).toBeUndefined();
    }
    expect(securityByOperation(template)).toEqual(publishedSecurity('none'));
    expect(importedBody(template).components).toBeUndefined();
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(gatewayResponse(template, 'MISSING_AUTHENTICATION_TOKEN')).toMatchObject({ statusCode: '404' });
  }, 240_000);
});

describe('waf=true', () => {
  let template: Template;
  beforeAll(async () => {
    ({ template } = await synthesize({ context: { auth: 'none', waf: 'true', wafRateLimit: '500' } }));
  }, 240_000);

  it('associates a regional web ACL with the stage', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.anyValue(),
      WebACLArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
  });

  it('has the rate, body-size and common rules, in that order', () => {
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL')) as {
      Properties: { Rules: { Name: string; Priority: number }[] };
    }[];
    expect(acl?.Properties.Rules.sort((a, b) => a.Priority - b.Priority).map((rule) => rule.Name)).toEqual([
      ...WAF_RULES,
    ]);
  });

  it('blocks more than wafRateLimit requests per IP in 5 minutes with 429 {message}', () => {
    const rule = ruleNamed('RateLimitPerIp');
    expect(rule.Statement).toEqual({
      RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
    });
    expect(rule.Action).toEqual({
      Block: {
        CustomResponse: {
          ResponseCode: 429,
          CustomResponseBodyKey: 'tooManyRequests',
          ResponseHeaders: [
            ...API_ERROR_HEADERS,
            { Name: 'Retry-After', Value: '30' },
            { Name: 'Access-Control-Expose-Headers', Value: 'Retry-After' },
          ],
        },
      },
    });
    expect(JSON.parse(responseBody('tooManyRequests'))).toEqual({ message: expect.any(String) });
  });

  it('blocks a body over 16 KiB at the edge with 413 {message}, the API’s own message', () => {
    const rule = ruleNamed('BodyTooLarge');
    expect(rule.Statement).toMatchObject({
      SizeConstraintStatement: {
        FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
        ComparisonOperator: 'GT',
        Size: MAX_BODY_BYTES,
      },
    });
    expect(rule.Action).toEqual({
      Block: {
        CustomResponse: {
          ResponseCode: 413,
          CustomResponseBodyKey: 'payloadTooLarge',
          ResponseHeaders: API_ERROR_HEADERS,
        },
      },
    });
    expect(JSON.parse(responseBody('payloadTooLarge'))).toEqual({ message: 'Request body is larger than 16 KiB' });
  });

  it('runs AWS’s common rules, those that would refuse a valid request only counting (gateway-responses.test.ts)', () => {
    expect(ruleNamed('AwsCommonRules').Statement).toEqual({
      ManagedRuleGroupStatement: {
        VendorName: 'AWS',
        Name: 'AWSManagedRulesCommonRuleSet',
        RuleActionOverrides: Object.keys(COMMON_RULES_COUNTED).map((name) => ({
          Name: name,
          ActionToUse: { Count: {} },
        })),
      },
    });
  });

  function acl(): JsonObject {
    return (Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as { Properties: JsonObject }).Properties;
  }
  function ruleNamed(name: string): JsonObject {
    const rule = (acl().Rules as JsonObject[]).find((candidate) => candidate.Name === name);
    expect(rule, name).toBeDefined();
    return rule as JsonObject;
  }
  function responseBody(key: string): string {
    return ((acl().CustomResponseBodies as Record<string, JsonObject>)[key]?.Content as string) ?? '';
  }
});

/**
 * An optional AWS WAF web ACL on the stage (`-c waf=true`): bounds on abuse in every auth mode, `none` included.
 * - a per-IP rate rule (`wafRateLimit` requests per 5 minutes) answering 429 `{message}`;
 * - a body-size rule answering 413 `{message}` above the API's 16 KiB limit, at the edge: WAF inspects the first
 *   16 KB of a body on API Gateway, and a larger one matches (`OversizeHandling: MATCH`);
 * - AWS's managed common rule set (its own 8 KB body-size rule counts only, so the 413 above decides).
 * Costs and when to turn it on: infra/README.md.
 */
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { MAX_BODY_BYTES } from '../src/request-handler.js';
import { type CustomersApiSettings, fixedCorsOrigin } from './settings.js';

/** Names of the rules, in the order WAF evaluates them. */
export const WAF_RULES = ['RateLimitPerIp', 'BodyTooLarge', 'AwsCommonRules'] as const;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** The web ACL, associated with the API's stage. */
export function addWaf(
  scope: Construct,
  stage: apigateway.Stage,
  settings: Pick<CustomersApiSettings, 'wafRateLimit' | 'corsAllowedOrigins'>,
): wafv2.CfnWebACL {
  // The headers the API's own errors carry: CORS (so that a browser can read the answer) and no-store.
  const responseHeaders = [
    { name: 'Access-Control-Allow-Origin', value: fixedCorsOrigin(settings) },
    { name: 'Cache-Control', value: 'no-store' },
  ];
  const webAcl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    description: 'customers-api: per-IP rate limit, 16 KiB body limit, AWS common rules',
    defaultAction: { allow: {} },
    visibilityConfig: visibility('customers-api'),
    customResponseBodies: {
      tooManyRequests: { contentType: 'APPLICATION_JSON', content: '{"message":"Too Many Requests"}' },
      payloadTooLarge: {
        contentType: 'APPLICATION_JSON',
        content: JSON.stringify({ message: `Request body is larger than ${MAX_BODY_BYTES / 1024} KiB` }),
      },
    },
    rules: [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        statement: {
          rateBasedStatement: {
            limit: settings.wafRateLimit,
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
          },
        },
        action: {
          block: {
            customResponse: {
              responseCode: 429,
              customResponseBodyKey: 'tooManyRequests',
              // The rate is counted over a sliding 5 minutes, re-evaluated every 30 seconds or so.
              responseHeaders: [...responseHeaders, { name: 'Retry-After', value: '30' }],
            },
          },
        },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      {
        name: 'BodyTooLarge',
        priority: 1,
        statement: {
          sizeConstraintStatement: {
            fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
            comparisonOperator: 'GT',
            size: MAX_BODY_BYTES,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        action: {
          block: { customResponse: { responseCode: 413, customResponseBodyKey: 'payloadTooLarge', responseHeaders } },
        },
        visibilityConfig: visibility('BodyTooLarge'),
      },
      {
        name: 'AwsCommonRules',
        priority: 2,
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesCommonRuleSet',
            // Its 8 KB body rule would refuse bodies the API accepts with 403; the 16 KiB rule above answers 413.
            ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
          },
        },
        overrideAction: { none: {} },
        visibilityConfig: visibility('AwsCommonRules'),
      },
    ],
  });
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
    resourceArn: stage.stageArn,
    webAclArn: webAcl.attrArn,
  });
  return webAcl;
}

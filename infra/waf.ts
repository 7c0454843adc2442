/**
 * An optional AWS WAF web ACL on the stage (`-c waf=true`): bounds on abuse in every auth mode, `none` included.
 * - a per-IP rate rule (`wafRateLimit` requests per 5 minutes) answering 429 `{message}`;
 * - a body-size rule answering 413 `{message}` above the API's 16 KiB limit, at the edge: WAF inspects the first
 *   16 KB of a body on API Gateway, and a larger one matches (`OversizeHandling: MATCH`);
 * - AWS's managed common rule set (its own 8 KB body-size rule counts only, so the 413 above decides).
 * Costs and when to turn it on: infra/README.md.
 */
import { CfnOutput } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct, Node } from 'constructs';
import { MAX_BODY_BYTES } from '../src/request-handler.js';
import type { CustomersApi } from './customers-api.js';
import { fixedCorsOrigin } from './settings.js';

export interface WafSettings {
  /** `waf`: attach the web ACL. */
  readonly enabled: boolean;
  /** `wafRateLimit`: requests one IP may make in any 5 minutes. */
  readonly rateLimitPer5Minutes: number;
}

export const DEFAULT_WAF_SETTINGS: WafSettings = { enabled: false, rateLimitPer5Minutes: 1000 };
export const WAF_CONTEXT_KEYS = { enabled: 'waf', rateLimitPer5Minutes: 'wafRateLimit' } as const;

/** Names of the rules, in the order WAF evaluates them. */
export const WAF_RULES = ['RateLimitPerIp', 'BodyTooLarge', 'AwsCommonRules'] as const;

export function wafSettingsFromContext(node: Node): WafSettings {
  const enabled = node.tryGetContext(WAF_CONTEXT_KEYS.enabled) ?? false;
  if (![true, false, 'true', 'false'].includes(enabled)) {
    throw new Error(`context waf must be true or false, got ${JSON.stringify(enabled)}`);
  }
  const rawLimit = node.tryGetContext(WAF_CONTEXT_KEYS.rateLimitPer5Minutes);
  const limit =
    rawLimit === undefined || rawLimit === '' ? DEFAULT_WAF_SETTINGS.rateLimitPer5Minutes : Number(rawLimit);
  // WAF's own bounds for a rate-based rule's limit.
  if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000) {
    throw new Error(
      `context wafRateLimit must be a whole number from 10 to 2000000000, got ${JSON.stringify(rawLimit)}`,
    );
  }
  return { enabled: enabled === true || enabled === 'true', rateLimitPer5Minutes: limit };
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** The web ACL, associated with the API's stage. */
export function addWaf(scope: Construct, customersApi: CustomersApi, settings: WafSettings): wafv2.CfnWebACL {
  // The headers the API's own errors carry: CORS (so that a browser can read the answer) and no-store.
  const responseHeaders = [
    { name: 'Access-Control-Allow-Origin', value: fixedCorsOrigin(customersApi.settings) },
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
            limit: settings.rateLimitPer5Minutes,
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
          },
        },
        action: {
          block: { customResponse: { responseCode: 429, customResponseBodyKey: 'tooManyRequests', responseHeaders } },
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
    resourceArn: customersApi.stage.stageArn,
    webAclArn: webAcl.attrArn,
  });
  new CfnOutput(scope, 'WebAclArn', {
    value: webAcl.attrArn,
    description: 'The WAF web ACL on the stage (-c waf=true)',
  });
  return webAcl;
}

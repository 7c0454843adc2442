/**
 * An optional AWS WAF web ACL on the stage (`-c waf=true`): bounds on abuse in every auth mode, `none` included.
 * - a per-IP rate rule (`wafRateLimit` requests per 5 minutes) answering 429 `{message}`;
 * - a body-size rule answering 413 `{message}` above the API's 16 KiB limit, at the edge: WAF inspects the first
 *   16 KB of a body on API Gateway, and a larger one matches (`OversizeHandling: MATCH`);
 * - AWS's managed common rule set, blocking, except the rules that would refuse a request the spec allows: those
 *   only count (COMMON_RULES_COUNTED), so their matches still show in metrics and sampled requests.
 * Costs and when to turn it on: infra/README.md.
 */
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { MAX_BODY_BYTES } from '../src/api/request-handler.js';
import { headersToExpose } from './exposed-headers.js';
import { type GatewayResponse, gatewayErrorResponse } from './gateway-responses.js';
import { type CustomersApiSettings, fixedCorsOrigin } from './settings.js';

/**
 * Rules of AWSManagedRulesCommonRuleSet overridden to count, each with the valid request it would refuse. The spec
 * allows any id of 1 to 512 code points without whitespace or controls, in the query string (`GET`) or the body
 * (`PUT`), from any client: markup, dots and slashes, URLs, file names are ids like any other. The API stores the id
 * as a DynamoDB key and answers JSON; it renders no HTML, opens no file, fetches no URL, so the attacks these rules
 * look for have nothing to reach here, while their false positives would refuse customers with 403. The rules that
 * inspect only the path, cookies or the User-Agent's value keep blocking.
 */
export const COMMON_RULES_COUNTED: Readonly<Record<string, string>> = {
  SizeRestrictions_QUERYSTRING:
    'a query string over 2 KB: a 512-character id of 4-byte characters is about 6 KB percent-encoded',
  SizeRestrictions_BODY: 'a body over 8 KB: the API takes up to 16 KiB, and the BodyTooLarge rule answers 413 above it',
  NoUserAgent_HEADER:
    'a request without User-Agent, which the spec does not require (some clients and scripts send none)',
  CrossSiteScripting_QUERYARGUMENTS: 'an id such as <b> or <script> in the query string',
  CrossSiteScripting_BODY: 'an id such as <b> or <script> in the body',
  GenericLFI_QUERYARGUMENTS: 'an id such as ../x in the query string',
  GenericLFI_BODY: 'an id such as ../x in the body',
  GenericRFI_QUERYARGUMENTS: 'an id that is a URL with an IP address (http://10.0.0.1/x) in the query string',
  GenericRFI_BODY: 'an id that is a URL with an IP address (http://10.0.0.1/x) in the body',
  EC2MetaDataSSRF_QUERYARGUMENTS: 'an id such as 169.254.169.254 in the query string',
  EC2MetaDataSSRF_BODY: 'an id such as 169.254.169.254 in the body',
  RestrictedExtensions_QUERYARGUMENTS: 'an id that ends like a file name (report.log, app.ini) in the query string',
};

/** The words of a request the common rules block (WAF_FILTERED, 403), as the spec's Forbidden: never AWS's text. */
export function wafGatewayResponses(corsAllowOrigin: string): Record<string, GatewayResponse> {
  return { WAF_FILTERED: gatewayErrorResponse(corsAllowOrigin, '403', { message: 'Forbidden' }) };
}

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
  settings: Pick<CustomersApiSettings, 'wafRateLimit' | 'corsAllowedOrigins' | 'wafRateLimitExemptAddresses'>,
): wafv2.CfnWebACL {
  // Addresses the rate rule does not count (staging's CI runner, which sends the whole contract suite at once).
  const exempt =
    settings.wafRateLimitExemptAddresses.length > 0
      ? new wafv2.CfnIPSet(scope, 'RateLimitExemptAddresses', {
          scope: 'REGIONAL',
          ipAddressVersion: 'IPV4',
          addresses: [...settings.wafRateLimitExemptAddresses],
          // AWS WAF's descriptions allow letters, digits, spaces and + = : # @ / - , . only (no parentheses)
          description: 'customers-api: addresses the per-IP rate rule does not count, from wafRateLimitExemptAddresses',
        })
      : undefined;
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
            ...(exempt
              ? {
                  scopeDownStatement: {
                    notStatement: { statement: { ipSetReferenceStatement: { arn: exempt.attrArn } } },
                  },
                }
              : {}),
          },
        },
        action: {
          block: {
            customResponse: {
              responseCode: 429,
              customResponseBodyKey: 'tooManyRequests',
              // The rate is counted over a sliding 5 minutes, re-evaluated every 30 seconds or so.
              responseHeaders: withExposedHeaders([...responseHeaders, { name: 'Retry-After', value: '30' }]),
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
            // Overrides, not a scope-down statement: /customers is the whole API, so scoping it out would leave the
            // rule set nothing to protect; counted rules still label and report what they match.
            ruleActionOverrides: Object.keys(COMMON_RULES_COUNTED).map((name) => ({
              name,
              actionToUse: { count: {} },
            })),
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

/** `headers` plus `Access-Control-Expose-Headers` for those a browser would hide (`Retry-After`). */
function withExposedHeaders(headers: { name: string; value: string }[]): { name: string; value: string }[] {
  const exposed = headersToExpose(headers.map((header) => header.name));
  return exposed === undefined ? headers : [...headers, { name: 'Access-Control-Expose-Headers', value: exposed }];
}

/**
 * The answers the edge makes itself (API Gateway's gateway responses, the WAF's), in the synthesized template of each
 * auth mode: GIVEN a context, WHEN the stack is synthesized, THEN every such answer is one the spec describes for that
 * mode. Schemas and words come from the spec (as published for the mode), not from this file.
 */

import { Ajv } from 'ajv';
import type { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { specForAuthMode } from '../../infra/auth-spec.js';
import { headersToExpose } from '../../infra/exposed-headers.js';
import { GATEWAY_RESPONSES_NOT_IMPORTED } from '../../infra/gateway-responses.js';
import type { AuthMode } from '../../infra/settings.js';
import { type JsonObject, operationsOf } from '../../infra/spec-document.js';
import { COMMON_RULES_COUNTED } from '../../infra/waf.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { synthesize } from './synth.js';

/**
 * Every gateway response type API Gateway accepts, read from aws-cdk-lib's own `ResponseType` (which mirrors the API
 * reference's GatewayResponse.responseType), not typed by hand: a type that is not among them fails an import under
 * FailOnWarnings.
 */
const AWS_RESPONSE_TYPES: readonly string[] = Object.values(apigateway.ResponseType)
  .filter((value): value is apigateway.ResponseType => value instanceof apigateway.ResponseType)
  .map((value) => value.responseType);

/** The ways a SigV4 check fails: each must answer in the spec's 401/403 words in `iam` mode. */
const SIGNATURE_FAILURES = {
  MISSING_AUTHENTICATION_TOKEN: '401',
  UNAUTHORIZED: '401',
  ACCESS_DENIED: '403',
  INVALID_SIGNATURE: '403',
  EXPIRED_TOKEN: '403',
} as const;

interface GatewayResponse {
  statusCode?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
}

const configurations = {
  apiKey: { auth: 'apiKey' },
  iam: { auth: 'iam' },
  none: { auth: 'none' },
  noneWithWaf: { auth: 'none', waf: 'true' },
} as const satisfies Record<string, { auth: AuthMode; waf?: string }>;
type Configuration = keyof typeof configurations;

const templates = {} as Record<Configuration, Template>;
beforeAll(async () => {
  for (const [name, context] of Object.entries(configurations)) {
    templates[name as Configuration] = (await synthesize({ context })).template;
  }
}, 300_000);

function importedBody(configuration: Configuration): JsonObject {
  const [api] = Object.values(templates[configuration].findResources('AWS::ApiGateway::RestApi'));
  return (api as { Properties: { Body: JsonObject } }).Properties.Body;
}

function gatewayResponses(configuration: Configuration): Record<string, GatewayResponse> {
  return importedBody(configuration)['x-amazon-apigateway-gateway-responses'] as Record<string, GatewayResponse>;
}

/**
 * The body API Gateway would send: the template with each variable substituted as API Gateway does (no VTL runs on a
 * gateway response template). `$context.error.messageString` is AWS's text already quoted; the sample is hostile so
 * that a template which does not keep it a JSON string fails to parse.
 */
function render(response: GatewayResponse): unknown {
  const template = response.responseTemplates?.['application/json'] ?? '';
  const rendered = template.replaceAll('$context.error.messageString', JSON.stringify('AWS said "no" \\ }{'));
  expect(rendered, 'no variable left that this test does not know how API Gateway substitutes').not.toMatch(/\$/);
  return JSON.parse(rendered);
}

const ajv = new Ajv({ strict: false, allErrors: true });

/** The response schemas the spec (as published for `mode`) gives `status`, on any operation; the Error schema if none. */
function specSchemasFor(mode: AuthMode, status: string | undefined): JsonObject[] {
  const spec = specForAuthMode(openapiDocument, mode);
  const schemas = operationsOf(spec).flatMap(({ operation }) => {
    const response = (operation.responses as Record<string, JsonObject>)[status ?? ''];
    const schema = (response?.content as Record<string, { schema: JsonObject }> | undefined)?.['application/json'];
    return schema ? [schema.schema] : [];
  });
  return schemas.length > 0 ? schemas : [((spec.components as JsonObject).schemas as JsonObject).Error as JsonObject];
}

/** The message the spec's example gives a status (the same on every operation that lists it). */
function specMessageFor(mode: AuthMode, status: string): string {
  const messages = operationsOf(specForAuthMode(openapiDocument, mode)).flatMap(({ operation }) => {
    const response = (operation.responses as Record<string, JsonObject>)[status];
    const media = (response?.content as Record<string, { example?: { message?: string } }> | undefined)?.[
      'application/json'
    ];
    return media?.example?.message === undefined ? [] : [media.example.message];
  });
  expect(new Set(messages).size, `one message for ${status} in the spec`).toBe(1);
  return messages[0] as string;
}

describe.each(Object.keys(configurations) as Configuration[])(
  '-c %s: every answer API Gateway makes itself',
  (name) => {
    const mode = configurations[name].auth;

    it("renders as JSON the spec's schema for that status accepts, on every operation that lists the status", () => {
      for (const [type, response] of Object.entries(gatewayResponses(name))) {
        const body = render(response);
        for (const schema of specSchemasFor(mode, response.statusCode)) {
          const valid = ajv.validate(schema, body);
          expect(valid, `${type}: ${ajv.errorsText()}`).toBe(true);
        }
      }
    });

    it('carries, on every 400, the errors list the spec promises for every 400', () => {
      const badRequests = Object.entries(gatewayResponses(name)).filter(
        ([, response]) => response.statusCode === '400',
      );
      expect(badRequests.map(([type]) => type).sort()).toEqual(['BAD_REQUEST_BODY', 'BAD_REQUEST_PARAMETERS']);
      for (const [type, response] of badRequests) {
        const body = render(response) as { errors?: { location: string }[] };
        expect(body.errors?.length, type).toBeGreaterThan(0);
      }
    });

    it('exposes to browsers every header an answer carries that a browser would hide (Retry-After, WWW-Authenticate)', () => {
      for (const [type, response] of Object.entries(gatewayResponses(name))) {
        const headers = Object.keys(response.responseParameters ?? {})
          .filter((key) => key.startsWith('gatewayresponse.header.'))
          .map((key) => key.replace('gatewayresponse.header.', ''));
        const hidden = headers.filter(
          (header) =>
            !['Cache-Control', 'Access-Control-Allow-Origin', 'Access-Control-Expose-Headers'].includes(header),
        );
        const exposed = response.responseParameters?.['gatewayresponse.header.Access-Control-Expose-Headers'];
        if (hidden.length === 0) expect(exposed, type).toBeUndefined();
        else expect(exposed, type).toBe(`'${hidden.join(', ')}'`);
      }
      expect(gatewayResponses(name).THROTTLED?.responseParameters).toMatchObject({
        'gatewayresponse.header.Retry-After': "'1'",
        'gatewayresponse.header.Access-Control-Expose-Headers': "'Retry-After'",
      });
    });

    it('sends no status the spec published for the mode leaves out (none: no 401 or 403 but the WAF’s own 403)', () => {
      const statuses = new Set(
        operationsOf(specForAuthMode(openapiDocument, mode)).flatMap(({ operation }) =>
          Object.keys(operation.responses as JsonObject),
        ),
      );
      for (const [type, response] of Object.entries(gatewayResponses(name))) {
        if (!['401', '403'].includes(response.statusCode ?? '')) continue;
        if (type === 'WAF_FILTERED') expect(name).toBe('noneWithWaf');
        else expect(statuses, `${type} ${response.statusCode}`).toContain(response.statusCode);
      }
    });
  },
);

describe('the validator’s 400s', () => {
  it('name the one required parameter the spec has, and the body, as the spec’s errors do', () => {
    const required = operationsOf(openapiDocument).flatMap(({ operation }) =>
      ((operation.parameters ?? []) as JsonObject[])
        .filter((parameter) => parameter.required === true)
        .map((parameter) => `${String(parameter.in)}.${String(parameter.name)}`),
    );
    expect(required).toEqual(['query.id']);
    const responses = gatewayResponses('apiKey');
    expect(render(responses.BAD_REQUEST_PARAMETERS as GatewayResponse)).toEqual({
      message: 'Invalid request: query.id is missing or empty',
      errors: [{ location: 'query.id', message: 'is missing or empty' }],
    });
    expect(render(responses.BAD_REQUEST_BODY as GatewayResponse)).toMatchObject({
      message: expect.stringMatching(/^Invalid request: body /),
      errors: [{ location: 'body', message: expect.any(String) }],
    });
  });

  it('never put AWS’s validation text in the body: a gateway template cannot escape it into valid JSON', () => {
    for (const name of Object.keys(configurations) as Configuration[]) {
      for (const response of Object.values(gatewayResponses(name))) {
        expect(response.responseTemplates?.['application/json']).not.toContain('validationErrorString');
      }
    }
  });
});

describe('credential failures', () => {
  it.each(Object.entries(SIGNATURE_FAILURES))(
    '-c auth=iam answers %s %s in the spec’s words, no AWS text',
    (type, status) => {
      const response = gatewayResponses('iam')[type] as GatewayResponse;
      expect(response.statusCode).toBe(status);
      expect(response.responseTemplates?.['application/json']).not.toContain('$context');
      expect(render(response)).toEqual({ message: specMessageFor('iam', status) });
      if (status === '401') {
        expect(response.responseParameters).toMatchObject({
          'gatewayresponse.header.WWW-Authenticate': "'AWS4-HMAC-SHA256'",
          'gatewayresponse.header.Access-Control-Expose-Headers': "'WWW-Authenticate'",
        });
      }
    },
  );

  it('-c auth=apiKey answers a missing or unknown key 403 and a spent quota 429, in the spec’s words', () => {
    const responses = gatewayResponses('apiKey');
    expect(responses.INVALID_API_KEY?.statusCode).toBe('403');
    expect(render(responses.INVALID_API_KEY as GatewayResponse)).toEqual({ message: specMessageFor('apiKey', '403') });
    expect(responses.QUOTA_EXCEEDED?.statusCode).toBe('429');
    expect(render(responses.QUOTA_EXCEEDED as GatewayResponse)).toEqual({ message: specMessageFor('apiKey', '429') });
  });

  it('each mode imports only the credential answers it can give', () => {
    const types = (name: Configuration) => Object.keys(gatewayResponses(name));
    const iamOnly = Object.keys(SIGNATURE_FAILURES).filter((type) => type !== 'MISSING_AUTHENTICATION_TOKEN');
    for (const type of iamOnly) {
      expect(types('apiKey')).not.toContain(type);
      expect(types('none')).not.toContain(type);
    }
    for (const type of ['INVALID_API_KEY', 'QUOTA_EXCEEDED']) {
      expect(types('iam')).not.toContain(type);
      expect(types('none')).not.toContain(type);
    }
    expect(types('none')).not.toContain('WAF_FILTERED');
    expect(types('noneWithWaf')).toContain('WAF_FILTERED');
  });

  it('leaves no documented response type undecided: each is imported by some mode, or listed with its reason', () => {
    const imported = new Set(
      (Object.keys(configurations) as Configuration[]).flatMap((name) => Object.keys(gatewayResponses(name))),
    );
    const undecided = AWS_RESPONSE_TYPES.filter(
      (type) => !imported.has(type) && !(type in GATEWAY_RESPONSES_NOT_IMPORTED),
    );
    expect(undecided).toEqual([]);
    for (const [type, reason] of Object.entries(GATEWAY_RESPONSES_NOT_IMPORTED)) {
      expect(imported, type).not.toContain(type);
      expect(reason.length, type).toBeGreaterThan(20);
    }
  });
});

describe('every imported gateway response type is one API Gateway knows', () => {
  it('aws-cdk-lib lists the 21 types AWS documents', () => {
    expect(AWS_RESPONSE_TYPES).toHaveLength(21);
    expect(AWS_RESPONSE_TYPES).not.toContain('INCOMPLETE_SIGNATURE');
  });

  it.each(Object.keys(configurations) as Configuration[])(
    '-c %s imports no type outside them (FailOnWarnings would fail the import)',
    (name) => {
      const unknown = Object.keys(gatewayResponses(name)).filter((type) => !AWS_RESPONSE_TYPES.includes(type));
      expect(unknown).toEqual([]);
    },
  );

  it('-c auth=iam answers what falls to DEFAULT_4XX (an incomplete signature) in the spec’s Forbidden words, with no AWS text and the type’s own status', () => {
    const response = gatewayResponses('iam').DEFAULT_4XX as GatewayResponse;
    expect(response.statusCode).toBeUndefined();
    expect(response.responseTemplates?.['application/json']).not.toContain('$context');
    expect(render(response)).toEqual({ message: specMessageFor('iam', '403') });
  });
});

describe('-c auth=none imports only what a stage without credentials has', () => {
  it('no 401/403 answer on any operation, no security scheme, no 401/403 row in the description', () => {
    const body = importedBody('none') as {
      paths: Record<string, Record<string, JsonObject>>;
      info: { description: string };
      components?: JsonObject;
    };
    for (const item of Object.values(body.paths)) {
      for (const operation of Object.values(item)) {
        const statuses = Object.keys((operation.responses ?? {}) as JsonObject);
        expect(statuses).not.toContain('401');
        expect(statuses).not.toContain('403');
      }
    }
    expect(body.components).toBeUndefined();
    expect(body.info.description).not.toMatch(/^\| 40[13] \|/m);
    expect(body.info.description).toMatch(/^\| 404 \|/m);
  });

  it('while -c auth=apiKey imports the spec’s 403 answers as written', () => {
    const body = importedBody('apiKey') as { paths: Record<string, Record<string, JsonObject>> };
    expect(Object.keys(body.paths['/customers']?.get?.responses as JsonObject)).toContain('403');
  });
});

describe('-c waf=true: the common rules never refuse a request the spec allows', () => {
  function acl(): JsonObject {
    const [resource] = Object.values(templates.noneWithWaf.findResources('AWS::WAFv2::WebACL'));
    return (resource as { Properties: JsonObject }).Properties;
  }
  function commonRules(): JsonObject {
    const rule = (acl().Rules as JsonObject[]).find((candidate) => candidate.Name === 'AwsCommonRules');
    return rule as JsonObject;
  }

  it('counts (does not block) the rules a valid id, a large valid body or a request without User-Agent would match', () => {
    const overrides = (
      (commonRules().Statement as JsonObject).ManagedRuleGroupStatement as {
        RuleActionOverrides: { Name: string; ActionToUse: JsonObject }[];
      }
    ).RuleActionOverrides;
    for (const override of overrides) expect(override.ActionToUse, override.Name).toEqual({ Count: {} });
    expect(overrides.map((override) => override.Name)).toEqual(
      expect.arrayContaining([
        'SizeRestrictions_QUERYSTRING',
        'SizeRestrictions_BODY',
        'NoUserAgent_HEADER',
        'CrossSiteScripting_QUERYARGUMENTS',
        'CrossSiteScripting_BODY',
        'GenericLFI_QUERYARGUMENTS',
        'GenericLFI_BODY',
      ]),
    );
    expect(overrides.map((override) => override.Name)).toEqual(Object.keys(COMMON_RULES_COUNTED));
  });

  it('keeps the rest of the rule set blocking (the group’s own actions, no group-wide count)', () => {
    expect(commonRules().OverrideAction).toEqual({ None: {} });
    for (const rule of ['UserAgent_BadBots_HEADER', 'GenericLFI_URIPATH', 'CrossSiteScripting_URIPATH']) {
      expect(Object.keys(COMMON_RULES_COUNTED)).not.toContain(rule);
    }
  });

  it('needs its query-string override: the longest valid id is past the 2 KB rule once percent-encoded', () => {
    const longest = '\u{1F600}'.repeat(512);
    expect(`id=${encodeURIComponent(longest)}`.length).toBeGreaterThan(2048);
  });

  it('exposes the rate rule’s Retry-After to browsers', () => {
    const rate = (acl().Rules as JsonObject[]).find((candidate) => candidate.Name === 'RateLimitPerIp') as {
      Action: { Block: { CustomResponse: { ResponseHeaders: { Name: string; Value: string }[] } } };
    };
    const headers = rate.Action.Block.CustomResponse.ResponseHeaders;
    expect(headers).toContainEqual({ Name: 'Retry-After', Value: '30' });
    expect(headers).toContainEqual({
      Name: 'Access-Control-Expose-Headers',
      Value: headersToExpose(headers.map((header) => header.Name)),
    });
  });

  it('answers what it blocks (WAF_FILTERED) 403 in the spec’s Forbidden words', () => {
    const response = gatewayResponses('noneWithWaf').WAF_FILTERED as GatewayResponse;
    expect(response.statusCode).toBe('403');
    expect(render(response)).toEqual({ message: specMessageFor('apiKey', '403') });
  });
});

/**
 * What the store sends to DynamoDB, seen from the wire, and what the function's role allows, read from a synthesized
 * template: test/infra/table-permissions.test.ts compares the two for every operation of the spec.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ProxyHandler } from '../../src/api/request-handler.js';
import { proxyEvent } from './proxy-events.js';
import { namedExamples, type Operation, specOperations } from './spec-examples.js';

/**
 * Records the DynamoDB action of each request `client` sends: the operation its `X-Amz-Target` names, which is
 * what IAM authorizes. Read at the build step, once per command whatever the retries.
 */
export function recordTableActions(client: DynamoDBClient): { readonly sent: string[] } {
  const recorder = { sent: [] as string[] };
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      const target = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
      if (target !== undefined) recorder.sent.push(target.slice(target.indexOf('.') + 1));
      return next(args);
    },
    { step: 'build', name: 'recordTableActions' },
  );
  return recorder;
}

/**
 * One request for each example the operation documents (of a parameter or of its body, by name), the others filled
 * with their first example: the requests the spec itself says the operation takes.
 */
export function exampleEvents(operation: Operation): { example: string; event: APIGatewayProxyEvent }[] {
  const parameters = (operation.parameters ?? []).map((parameter) => ({
    ...parameter,
    named: namedExamples(parameter),
  }));
  const bodies = Object.values(operation.requestBody?.content ?? {}).flatMap((media) => namedExamples(media));
  const names = [...new Set([...parameters.flatMap(({ named }) => named), ...bodies].map(({ name }) => name))];
  const pick = <T extends { name: string }>(examples: T[], name: string) =>
    examples.find((example) => example.name === name) ?? examples[0];
  return (names.length > 0 ? names : ['(none)']).map((name) => {
    const query: Record<string, string> = {};
    let path = operation.path;
    for (const parameter of parameters) {
      const value = pick(parameter.named, name)?.value;
      if (value === undefined) continue;
      if (parameter.in === 'query') query[parameter.name] = String(value);
      if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
    }
    const body = pick(bodies, name);
    return {
      example: name,
      event: proxyEvent({
        httpMethod: operation.method,
        path,
        queryStringParameters: Object.keys(query).length > 0 ? query : null,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body.value), headers: { 'Content-Type': 'application/json' } }),
      }),
    };
  });
}

/**
 * Calls every operation of `document` with each of its examples through `handler`, and returns the DynamoDB actions
 * each sent (read from `recorder`). An answer of 5xx fails: the operation did not get to say what it sends.
 */
export async function tableActionsByOperation(
  document: object,
  handler: ProxyHandler,
  recorder: { readonly sent: string[] },
): Promise<Map<string, string[]>> {
  const sent = new Map<string, string[]>();
  for (const operation of specOperations(document)) {
    for (const { example, event } of exampleEvents(operation)) {
      recorder.sent.length = 0;
      const { statusCode, body } = await handler(event);
      if (statusCode >= 500) {
        throw new Error(`${operation.operationId} (example ${example}) answered ${statusCode}: ${body}`);
      }
      sent.set(operation.operationId, [...new Set([...(sent.get(operation.operationId) ?? []), ...recorder.sent])]);
    }
  }
  return sent;
}

/** One statement of an IAM policy document, as CloudFormation holds it. */
interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/**
 * The DynamoDB actions the function's role (the one the stack names) allows, each with the resources it allows them
 * on.
 */
export function grantedTableActions(template: Template): { action: string; resource: unknown }[] {
  const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(
    ([, role]) => (role as { Properties: { RoleName?: unknown } }).Properties.RoleName !== undefined,
  );
  if (roles.length !== 1) throw new Error(`expected one named role, found ${roles.length}`);
  const [roleId] = roles[0] as [string, unknown];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: unknown; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .filter(({ Properties: policy }) => JSON.stringify(policy.Roles).includes(`"${roleId}"`))
    .flatMap(({ Properties: policy }) => policy.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) =>
      [statement.Action]
        .flat()
        .filter((action) => action.startsWith('dynamodb:'))
        .map((action) => ({ action: action.slice('dynamodb:'.length), resource: statement.Resource })),
    );
}

/**
 * What the role gets wrong for the operations: an action an operation sends that it does not grant, named with the
 * operation, and one it grants that no operation sends. Empty when the role is exactly what the store needs.
 */
export function permissionGaps(sent: ReadonlyMap<string, readonly string[]>, granted: readonly string[]): string[] {
  const gaps: string[] = [];
  for (const [operationId, actions] of sent) {
    for (const action of actions) {
      if (!granted.includes(action)) {
        gaps.push(
          `${operationId} sends dynamodb:${action}, which the function's role would refuse (add the command to src/api/store-actions.ts)`,
        );
      }
    }
  }
  const used = new Set([...sent.values()].flat());
  for (const action of new Set(granted)) {
    if (!used.has(action)) gaps.push(`the function's role grants dynamodb:${action}, which no operation sends`);
  }
  return gaps;
}

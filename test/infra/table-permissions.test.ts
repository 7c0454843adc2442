/**
 * The function's role against what the store sends: every operation of the spec, called with each of its examples
 * through the API's handler, on the real store and SDK against dynalite, with the DynamoDB action of every request
 * recorded from the wire; compared with the role in the synthesized template. An action an operation sends that the
 * role would refuse fails, naming the operation and the action (on AWS that operation would answer 500); so does an
 * action the role grants that no operation sends.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api/api-handler.js';
import { Contract } from '../../src/api/contract.js';
import { DynamoDbCustomerStore } from '../../src/api/customer-store.js';
import { createDynamoDbClient } from '../../src/api/dynamodb-client.js';
import { NotFoundError } from '../../src/api/errors.js';
import { createResponseFinisher } from '../../src/api/finish-response.js';
import { createLogger } from '../../src/api/logger.js';
import { createOperations, type OperationHandlers } from '../../src/api/operations.js';
import { createRequestHandler } from '../../src/api/request-handler.js';
import { TABLE_ACTIONS } from '../../src/api/store-actions.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type Emulator,
  startEmulator,
} from '../../src/local/embedded-dynamodb.js';
import { ensureTable } from '../../src/local/table.js';
import { readHandlerConfig } from '../../src/shared/config.js';
import { specOperations } from '../helpers/spec-examples.js';
import { specWithDelete } from '../helpers/spec-with-delete.js';
import {
  grantedTableActions,
  permissionGaps,
  recordTableActions,
  tableActionsByOperation,
} from '../helpers/table-actions.js';
import { synthesize } from './synth.js';

let emulator: Emulator;
let client: DynamoDBClient;
let template: Template;
/** The DynamoDB actions each operation of the spec sent. */
let sent: Map<string, string[]>;
let recorder: { readonly sent: string[] };

beforeAll(async () => {
  const synthesized = synthesize();
  emulator = await startEmulator(':memory:');
  const config = readHandlerConfig({});
  client = createDynamoDbClient({
    ...config,
    endpoint: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    region: EMULATOR_REGION,
  });
  await ensureTable(client, config.tableName);
  recorder = recordTableActions(client);
  const handler = createApiHandler({ config, client, contract: new Contract(), logger: createLogger('silent') });
  sent = await tableActionsByOperation(openapiDocument, handler, recorder);
  ({ template } = await synthesized);
}, 90_000);

afterAll(async () => {
  client?.destroy();
  await emulator?.close();
});

describe("the function's role", () => {
  it('grants exactly the DynamoDB actions the operations of the spec send, none more', () => {
    expect([...sent.keys()]).toEqual(specOperations().map(({ operationId }) => operationId));
    expect([...sent.values()].flat().length, 'the operations reached the table').toBeGreaterThan(0);
    const granted = grantedTableActions(template).map(({ action }) => action);
    expect(permissionGaps(sent, granted)).toEqual([]);
  });

  it('grants them on the table only', () => {
    const [tableId] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    for (const { action, resource } of grantedTableActions(template)) {
      expect(resource, action).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    }
  });

  it('is what src/api/store-actions.ts lists: the store sends each of its actions, and no other', () => {
    expect(permissionGaps(sent, TABLE_ACTIONS)).toEqual([]);
  });

  it('would fail naming the operation and the action it would refuse, and an action granted for nothing', () => {
    const [operationId, [action] = []] = [...sent].find(([, actions]) => actions.length > 0) ?? [];
    const granted = grantedTableActions(template).map((grant) => grant.action);
    expect(
      permissionGaps(
        sent,
        granted.filter((candidate) => candidate !== action),
      ),
    ).toEqual([
      expect.stringMatching(
        new RegExp(`^${operationId} sends dynamodb:${action}, which the function's role would refuse`),
      ),
    ]);
    expect(permissionGaps(sent, [...granted, 'Scan'])).toEqual([
      "the function's role grants dynamodb:Scan, which no operation sends",
    ]);
  });
});

describe('an operation added to the spec, with its handler and store method but not its command', () => {
  it('fails, naming the operation and the action the role would refuse', async () => {
    const spec = specWithDelete();
    const config = readHandlerConfig({});
    const store = new DynamoDbCustomerStore(client, config.tableName);
    const documents = DynamoDBDocumentClient.from(client);
    const operations = {
      ...createOperations(store),
      // what the guide's handler and store method would do: DeleteItem, 204 when the id was there, 404 when not
      async deleteCustomer({ query }: { query: { id: string } }) {
        const { Attributes } = await documents.send(
          new DeleteCommand({ TableName: config.tableName, Key: { id: query.id }, ReturnValues: 'ALL_OLD' }),
        );
        if (Attributes === undefined) throw new NotFoundError(`/customers?id=${query.id}`);
        return { status: 204 };
      },
    } as unknown as OperationHandlers;
    const handler = createRequestHandler({
      contract: new Contract(spec as never, { precompiled: false }),
      operations,
      finish: createResponseFinisher({ config, logger: createLogger('silent') }),
    });
    const sentWithDelete = await tableActionsByOperation(spec, handler, recorder);
    expect(sentWithDelete.get('deleteCustomer')).toEqual(['DeleteItem']);
    const granted = grantedTableActions(template).map(({ action }) => action);
    expect(permissionGaps(sentWithDelete, granted)).toEqual([
      "deleteCustomer sends dynamodb:DeleteItem, which the function's role would refuse (add the command to src/api/store-actions.ts)",
    ]);
  });
});

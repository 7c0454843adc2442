/**
 * src/api/store-actions.ts against the SDK itself: each command it names is one @aws-sdk/lib-dynamodb exports, and it
 * sends the DynamoDB action the map says (read from the request the SDK builds; nothing leaves the process).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as documents from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { STORE_COMMANDS, TABLE_ACTIONS } from '../../src/api/store-actions.js';
import { recordTableActions } from '../helpers/table-actions.js';

/** Stops every request once built: the SDK's own serializer has said which action it is. */
class Built extends Error {}

describe('the store commands', () => {
  it.each(Object.entries(STORE_COMMANDS))('%s sends dynamodb:%s', async (command, action) => {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const recorder = recordTableActions(client);
    client.middlewareStack.add(
      () => async () => {
        throw new Built();
      },
      { step: 'build', priority: 'low', name: 'stopWhenBuilt' },
    );
    const Command = (documents as unknown as Record<string, new (input: object) => documents.GetCommand>)[command];
    expect(Command, `@aws-sdk/lib-dynamodb exports ${command}`).toBeTypeOf('function');
    const input = { TableName: 't', Key: { id: 'a' }, Item: { id: 'a' } };
    await expect(
      documents.DynamoDBDocumentClient.from(client).send(new (Command as never as typeof documents.GetCommand)(input)),
    ).rejects.toBeInstanceOf(Built);
    expect(recorder.sent).toEqual([action]);
  });

  it('lists each action once, in the order of the commands', () => {
    expect(TABLE_ACTIONS).toEqual([...new Set(Object.values(STORE_COMMANDS))]);
    expect(TABLE_ACTIONS.length).toBeGreaterThan(0);
  });
});

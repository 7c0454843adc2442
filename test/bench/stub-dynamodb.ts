/** DynamoDB stubbed for the benchmarks, so only our code is timed: at the socket, and at the SDK's request handler. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** GetItem finds the item; PutItem reports it new. */
function answerFor(target: string): string {
  return target.endsWith('GetItem') ? '{"Item":{"id":{"S":"cust-4f9a2c"}}}' : '{}';
}

/** An HTTP server speaking just enough DynamoDB JSON for GetItem and PutItem (for separate processes). */
export async function startStubDynamoDb(): Promise<{ endpoint: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.setHeader('Content-Type', 'application/x-amz-json-1.0');
      response.end(answerFor(String(request.headers['x-amz-target'] ?? '')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A real DynamoDB client whose request handler answers at once, in-process: no socket, no I/O. */
export function stubbedDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    endpoint: 'http://127.0.0.1:1',
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => ({
        response: {
          statusCode: 200,
          reason: 'OK',
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Readable.from([Buffer.from(answerFor(request.headers['x-amz-target'] ?? ''))]),
        },
      }),
    } as never,
  });
}

/** DynamoDB stubbed at the socket for the cold-start benchmark, so only our code is timed. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

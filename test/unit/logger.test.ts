import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../src/api/api-handler.js';
import { StoreUnavailableError } from '../../src/api/errors.js';
import { createLogger } from '../../src/api/logger.js';
import { MemoryCustomerStore, withFaults } from '../../src/api/memory-customer-store.js';
import { readHandlerConfig } from '../../src/shared/config.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import { captureLogLines } from '../helpers/log-lines.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';
import { aMethodNotInSpec } from '../helpers/spec-methods.js';

const API_KEY = 'k3y-dW5pdC10ZXN0LWtleQ';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function withKey<T extends ReturnType<typeof proxyEvent>>(event: T): T {
  return {
    ...event,
    headers: { ...event.headers, 'X-API-Key': API_KEY },
    multiValueHeaders: { ...event.multiValueHeaders, 'X-API-Key': [API_KEY] },
    requestContext: { ...event.requestContext, identity: { ...event.requestContext.identity, apiKey: API_KEY } },
  };
}

describe('the logger', () => {
  it('writes the local server lines without a Lambda context, and Lambda lines with it', async () => {
    const { lines } = captureLogLines();
    const logger = createLogger('info');
    logger.info('local', { port: 3000 });
    logger.addContext(lambdaContext({ awsRequestId: 'lambda-1' }));
    logger.info('in lambda');
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'local', service: 'customers-api', port: 3000 });
    expect(lines[0]).not.toHaveProperty('function_request_id');
    expect(lines[0]).not.toHaveProperty('cold_start');
    expect(lines[1]).toMatchObject({ message: 'in lambda', function_request_id: 'lambda-1', cold_start: false });
  });

  it('writes nothing below its level', () => {
    const { lines } = captureLogLines();
    const logger = createLogger('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((line) => line.message)).toEqual(['loud']);
  });

  it('never writes an x-api-key value, at debug level, with event logging asked for, on any outcome', async () => {
    vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
    const { raw: lines } = captureLogLines();
    const logger = createLogger('debug');
    const failing = new StoreUnavailableError({ cause: new Error(`socket hang up`) });
    const handlers = [
      createApiHandler({
        config: readHandlerConfig({}),
        logger,
        store: new MemoryCustomerStore(['x']),
      }),
      createApiHandler({
        config: readHandlerConfig({}),
        logger,
        // the lookup fails as DynamoDB can, the write as a bug does
        store: withFaults(new MemoryCustomerStore(), (method) =>
          method === 'exists' ? failing : new TypeError('bug'),
        ),
      }),
    ];
    for (const handle of handlers) {
      logger.addContext(lambdaContext());
      await handle(withKey(proxyEvent({ queryStringParameters: { id: 'x' } })));
      await handle(withKey(proxyEvent({ queryStringParameters: { id: 'a b' } })));
      await handle(withKey(putEvent(JSON.stringify({ id: 'x' }))));
      await handle(withKey(putEvent('{"id":')));
      await handle(withKey(proxyEvent({ httpMethod: aMethodNotInSpec('/customers') })));
    }
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.some((line) => JSON.parse(line).level === 'ERROR')).toBe(true);
    expect(lines.filter((line) => line.includes(API_KEY))).toEqual([]);
  });
});

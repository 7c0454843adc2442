import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from '../../src/customer-store.js';

const metadata = (httpStatusCode?: number) => ({ $metadata: { httpStatusCode } });
const withCode = (code: string, name = 'Error') => Object.assign(new Error(code), { code, name });

describe('which DynamoDB errors mean "unavailable, retry" (503) rather than a mistake to fix (500)', () => {
  it.each([
    ['throttling', new ProvisionedThroughputExceededException({ message: 'exceeded', ...metadata(400) })],
    ['a DynamoDB internal error', new InternalServerError({ message: 'internal', ...metadata(500) })],
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a request timeout, as the SDK throws it', withCode('ETIMEDOUT', 'TimeoutError')],
  ])('%s is unavailable', (_case, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    [
      'a validation error of ours',
      new DynamoDBServiceException({
        name: 'ValidationException',
        $fault: 'client',
        message: 'bad key',
        ...metadata(400),
      }),
    ],
    ['a bug in our code', new TypeError('undefined is not a function')],
    // an operator's mistakes: no retry helps, so a 500 that the API's 5xx alarm sees
    ['a missing table', new ResourceNotFoundException({ message: 'no table', ...metadata(400) })],
    [
      'a missing permission',
      new DynamoDBServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized to perform dynamodb:GetItem',
        ...metadata(400),
      }),
    ],
    ['not an error at all', 'oops'],
  ])('%s is not', (_case, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});

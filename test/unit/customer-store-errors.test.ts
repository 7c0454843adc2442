import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from '../../src/api/customer-store.js';

const metadata = (httpStatusCode?: number) => ({ $metadata: { httpStatusCode } });
const withCode = (code: string, name = 'Error') => Object.assign(new Error(code), { code, name });
const named = (name: string) => Object.assign(new Error(name), { name });

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

  it.each([
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'LimitExceededException',
    'InternalServerError',
    'ServiceUnavailable',
    'TimeoutError',
    'RequestTimeout',
  ])('an error named %s alone is unavailable', (name) => {
    expect(isUnavailable(named(name))).toBe(true);
  });

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
  ])('a network error %s alone is unavailable', (code) => {
    expect(isUnavailable(withCode(code))).toBe(true);
  });

  it.each([
    ['a server fault of any name', Object.assign(named('SomethingNew'), { $fault: 'server' })],
    ['an SDK error that got no HTTP answer', Object.assign(named('SomethingNew'), metadata(undefined))],
    ['an SDK error answered with a 5xx', Object.assign(named('SomethingNew'), metadata(502))],
    ['an SDK error answered with a 500', Object.assign(named('SomethingNew'), metadata(500))],
  ])('%s is unavailable', (_case, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    [
      'an SDK client error answered with a 4xx',
      Object.assign(named('SomethingNew'), { $fault: 'client' }, metadata(499)),
    ],
    ['an error with another system code', withCode('EACCES')],
    ['an error with an empty code', withCode('')],
    ['a plain error', new Error('x')],
    ['an object that only looks like a throttling error', { name: 'ThrottlingException', $fault: 'server' }],
  ])('%s is not unavailable', (_case, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});

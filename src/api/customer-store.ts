/**
 * Reads and writes customer ids. Each command it sends is listed in store-actions.ts, from which the deployed function
 * is granted its DynamoDB actions and nothing else: a new command here goes there too (a test names one missing).
 * AWS errors are translated here, at the persistence edge: what a retry can fix (unavailability, throttling, time
 * running out) becomes StoreUnavailableError (503, Retry-After); anything else, an operator's mistake such as a
 * missing table (ResourceNotFoundException) or permission (AccessDeniedException) included, is rethrown and becomes a
 * plain 500, which the API's 5xx alarm sees.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PARTITION_KEY } from '../shared/customer-table.js';
import { StoreUnavailableError } from './errors.js';

export interface CustomerStore {
  /** Whether the id is in the table (strongly consistent: an acknowledged write is always seen). */
  exists(id: string): Promise<boolean>;
  /** Stores the id; `created` is false when it was already there. */
  put(id: string): Promise<{ created: boolean }>;
}

/** The item stored for a customer is its key alone: nothing else from a request reaches the table. */
const keyOf = (id: string) => ({ [PARTITION_KEY.name]: id });

/**
 * The store on @aws-sdk/lib-dynamodb's document client (plain JavaScript values, marshalled by the SDK), over the
 * low-level client it is given, whose configuration (timeouts, retries, endpoint) and middleware it shares.
 */
export class DynamoDbCustomerStore implements CustomerStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async exists(id: string): Promise<boolean> {
    const result = await translateErrors(() =>
      this.documents.send(new GetCommand({ TableName: this.tableName, Key: keyOf(id), ConsistentRead: true })),
    );
    return result.Item !== undefined;
  }

  async put(id: string): Promise<{ created: boolean }> {
    const result = await translateErrors(() =>
      this.documents.send(new PutCommand({ TableName: this.tableName, Item: keyOf(id), ReturnValues: 'ALL_OLD' })),
    );
    return { created: result.Attributes === undefined };
  }
}

async function translateErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isUnavailable(error) ? new StoreUnavailableError({ cause: error }) : error;
  }
}

/** Errors that mean "DynamoDB cannot serve us now, but may in a moment", as opposed to a mistake to fix. */
const UNAVAILABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { name, code, $fault, $metadata } = error as Error & {
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (UNAVAILABLE_ERROR_NAMES.has(name)) return true;
  if (code && NETWORK_ERROR_CODES.has(code)) return true;
  if ($fault === 'server') return true;
  // An SDK error with no HTTP status: the request never got an answer (socket closed, aborted).
  if ($metadata) return $metadata.httpStatusCode === undefined || $metadata.httpStatusCode >= 500;
  return false;
}

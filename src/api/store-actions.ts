/**
 * What the store sends to DynamoDB, in one place: each @aws-sdk/lib-dynamodb command src/api/customer-store.ts sends,
 * and the DynamoDB action it is, which is both the IAM action (`dynamodb:<action>`) the function's role must allow
 * and the `Operation` dimension of the table's CloudWatch metrics. infra/ grants exactly these actions on the table
 * and watches exactly these operations; test/infra/table-permissions.test.ts runs every operation of the spec against
 * dynalite and fails when the store sends an action missing here, or when one here is sent by no operation.
 *
 * Nothing but data, and no imports: infra/ reads it without loading the SDK, and the Lambda bundle pays nothing.
 */
export const STORE_COMMANDS = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
} as const;

/** A DynamoDB action the store sends. */
export type TableAction = (typeof STORE_COMMANDS)[keyof typeof STORE_COMMANDS];

/** The DynamoDB actions the store sends, each once, in the order of STORE_COMMANDS. */
export const TABLE_ACTIONS: readonly TableAction[] = [...new Set(Object.values(STORE_COMMANDS))];

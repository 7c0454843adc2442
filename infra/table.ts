/**
 * The customer table on AWS: `customer_ids` (by default), keyed as the local server's
 * (src/shared/customer-table.ts), on-demand, with point-in-time recovery, its data kept when the stack goes; or,
 * with `existingTable`, the table already there under that name, adopted as it is: the stack neither creates,
 * changes nor deletes it (infra/README.md, "Moving in").
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { PARTITION_KEY } from '../src/shared/customer-table.js';
import type { CustomersApiSettings } from './settings.js';
import type { StrictCompliance } from './strict-compliance.js';

/** The table `Table` in `scope`: created, or (`existingTable`) the one of `tableName`. In strict, under strict's key. */
export function customerTable(
  scope: Construct,
  settings: Pick<CustomersApiSettings, 'existingTable' | 'tableName' | 'tableDeletionProtection'>,
  strict: StrictCompliance | undefined,
): dynamodb.ITable {
  return settings.existingTable
    ? dynamodb.Table.fromTableName(scope, 'Table', settings.tableName)
    : new dynamodb.Table(scope, 'Table', {
        tableName: settings.tableName,
        partitionKey: { name: PARTITION_KEY.name, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        ...(strict ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: strict.key } : {}),
        ...tableProtection(settings.tableDeletionProtection),
      });
}

/**
 * The table's data outlives the stack: kept on update and deletion, and by point-in-time recovery (deleting a table
 * with PITR leaves a system backup for 35 days). Without deletion protection (the default), the deletion policy is
 * RetainExceptOnCreate: a failed first create deletes the new, empty table, so the stack rolls back cleanly and a
 * retry does not hit "already exists". CloudFormation cannot delete a protected table, not even in that rollback,
 * so with protection on (`tableDeletionProtection`, once the first deploy succeeded) the policy is plain Retain:
 * the two never meet. AWS's words: CloudFormation's DeletionPolicy (`RetainExceptOnCreate` deletes a resource whose
 * creating operation rolls back),
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html;
 * DynamoDB's system backup of a deleted PITR table,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/pointintimerecovery_beforeyoubegin.html
 */
function tableProtection(deletionProtection: boolean): {
  deletionProtection: boolean;
  removalPolicy: RemovalPolicy;
} {
  return deletionProtection
    ? { deletionProtection: true, removalPolicy: RemovalPolicy.RETAIN }
    : { deletionProtection: false, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE };
}

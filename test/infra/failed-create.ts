/** What a template would do to CloudFormation when its first create fails and rolls back. */
import type { Template } from 'aws-cdk-lib/assertions';

interface Resource {
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/**
 * Resources CloudFormation must delete to roll back their failed create (`RetainExceptOnCreate`) but that refuse to
 * be deleted (deletion protection): the stack would end in ROLLBACK_FAILED and a retry hit "already exists".
 */
export function undeletableOnFailedCreate(template: Template): string[] {
  return Object.entries(template.toJSON().Resources as Record<string, Resource>)
    .filter(
      ([, resource]) =>
        resource.DeletionPolicy === 'RetainExceptOnCreate' && resource.Properties?.DeletionProtectionEnabled === true,
    )
    .map(([logicalId]) => logicalId);
}

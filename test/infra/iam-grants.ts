import type { Template } from 'aws-cdk-lib/assertions';
import {
  createResolver,
  isAllowedForRole,
  type Resolver,
  roleStatements,
  type TemplateJson,
} from '../helpers/policy-evaluator.ts';
import { logicalId } from './helpers.ts';
import type { ExpectedFunctionGrants, ExpectedGrant, ExpectedResource } from './iam-expected.ts';

/**
 * The two checks of the grant table on any synthesized template (the stack's variants in
 * `iam.test.ts`, a second app's pipelines in `custom-app.test.ts`): what a role's statements
 * grant against what the table wants, and which of the table's calls the role could not make.
 */

/** A template resolved for the policy evaluator, with the ARN of each grant-table resource in it. */
export interface ResolvedTemplate {
  template: Template;
  json: TemplateJson;
  resolver: Resolver;
  arnOf(resource: ExpectedResource): string;
}

/**
 * Resolves `template`; `importedSecretArn` stands for the AMT secret when it is imported by ARN.
 *
 * @example
 * ```ts
 * resolveTemplate(templateFor()).arnOf({ type: 'AWS::SQS::Queue', logicalIdPrefix: 'ProcessingQueue', arnAttribute: 'Arn' });
 * ```
 */
export function resolveTemplate(template: Template, importedSecretArn?: string): ResolvedTemplate {
  const json = template.toJSON() as TemplateJson;
  const resolver = createResolver(json, { stackName: 'SmartcarWebhooks-test' });
  const arnOf = (resource: ExpectedResource): string => {
    if (resource.type === 'AWS::SecretsManager::Secret' && importedSecretArn) return importedSecretArn;
    const id = logicalId(template, resource.type, resource.logicalIdPrefix);
    return (
      (resource.arnAttribute ? resolver.getAtt(id, resource.arnAttribute) : resolver.ref(id)) +
      (resource.arnSuffix ?? '')
    );
  };
  return { template, json, resolver, arnOf };
}

/**
 * One role against its row of the grant table: its statements, `action resource` pairs granted
 * and wanted (sorted), and the table's grants the role may not use.
 *
 * @example
 * ```ts
 * const { granted, wanted, refused } = roleAgainstTable(resolveTemplate(templateFor()), IAM_EXPECTED.receiver);
 * ```
 */
export function roleAgainstTable(
  resolved: ResolvedTemplate,
  expected: Pick<ExpectedFunctionGrants, 'roleLogicalIdPrefix' | 'grants'>,
): {
  statements: ReturnType<typeof roleStatements>;
  granted: string[];
  wanted: string[];
  refused: ExpectedGrant[];
} {
  const { template, json, resolver, arnOf } = resolved;
  const role = logicalId(template, 'AWS::IAM::Role', expected.roleLogicalIdPrefix);
  const wanted = expected.grants.map((grant) => `${grant.action} ${arnOf(grant.resource)}`).sort();
  const statements = roleStatements(json, role, resolver);
  const granted = statements
    .flatMap((statement) =>
      [statement.Action ?? []]
        .flat()
        .flatMap((action) => [statement.Resource ?? []].flat().map((resource) => `${action} ${resource}`)),
    )
    .sort();
  const refused = expected.grants.filter(
    (grant) => !isAllowedForRole(json, role, grant.action, arnOf(grant.resource), { resolver }),
  );
  return { statements, granted, wanted, refused };
}

import { PolicyEvaluatorError } from './errors.ts';
import { evaluate } from './evaluate.ts';
import { createResolver, type Resolver } from './resolver.ts';
import type { ContextValue, Statement, TemplateJson, TemplateResource } from './types.ts';

type PolicyDocument = { Statement: Statement | Statement[] };

/**
 * Every identity-policy statement that applies to one role of a synthesized template, resolved:
 * the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources that list the role in `Roles`,
 * the role's inline `Policies`, and the customer-managed policies in its `ManagedPolicyArns`.
 * An AWS-managed policy (or a permissions boundary) is opaque to the template, so it throws
 * {@link PolicyEvaluatorError} rather than pretending to know what it allows.
 *
 * @example
 * ```ts
 * const statements = roleStatements(template.toJSON(), 'ReceiverRoleAE41808F', createResolver(template.toJSON()));
 * evaluate(statements, { action: 'sqs:SendMessage', resource: queueArn }); // 'allow'
 * ```
 */
export function roleStatements(template: TemplateJson, roleLogicalId: string, resolver: Resolver): Statement[] {
  const resources = template.Resources ?? {};
  const role = resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new PolicyEvaluatorError(`${roleLogicalId} is not an AWS::IAM::Role`);
  const properties = role.Properties ?? {};
  if (properties.PermissionsBoundary !== undefined) {
    throw new PolicyEvaluatorError(
      `${roleLogicalId} has a permissions boundary, which the test evaluator does not model`,
    );
  }
  const documents: unknown[] = [];
  for (const inline of (properties.Policies ?? []) as { PolicyDocument: unknown }[])
    documents.push(inline.PolicyDocument);
  for (const resource of Object.values(resources)) {
    const isPolicy = resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy';
    if (isPolicy && listsRole(resource, roleLogicalId, resolver)) documents.push(resource.Properties?.PolicyDocument);
  }
  for (const arn of (properties.ManagedPolicyArns ?? []) as unknown[]) {
    documents.push(managedPolicyDocument(resources, arn, resolver, roleLogicalId));
  }
  return documents.flatMap((document) => statementsOf(resolver.resolve<PolicyDocument>(document)));
}

/**
 * Every resource-policy statement attached to one resource of a synthesized template, resolved:
 * `AWS::SQS::QueuePolicy` (`Queues`), `AWS::SNS::TopicPolicy` (`Topics`),
 * `AWS::SecretsManager::ResourcePolicy` (`SecretId`), `AWS::S3::BucketPolicy` (`Bucket`),
 * `AWS::Lambda::Permission` (as the equivalent statement), and a policy the resource carries
 * itself (`KeyPolicy`, a table's `ResourcePolicy`, a role's trust policy).
 *
 * @example
 * ```ts
 * const statements = resourcePolicyStatements(json, 'MonitoringAlarmTopicAF62D4F1', resolver);
 * evaluate(statements, { action: 'sns:Publish', resource: topicArn, principal: { service: 'cloudwatch.amazonaws.com' } });
 * ```
 */
export function resourcePolicyStatements(
  template: TemplateJson,
  resourceLogicalId: string,
  resolver: Resolver,
): Statement[] {
  const resources = template.Resources ?? {};
  const target = resources[resourceLogicalId];
  if (!target) throw new PolicyEvaluatorError(`no resource ${resourceLogicalId} in the template`);
  const targetArn = arnOf(resolver, resourceLogicalId, target)[0];
  const targetRef = resolver.ref(resourceLogicalId);
  const targetIds = new Set([targetRef, ...(targetArn === undefined ? [] : [targetArn])]);
  const names = (value: unknown) => [resolver.resolve(value)].flat().some((id) => targetIds.has(String(id)));
  const documents: unknown[] = [];
  const own = target.Properties ?? {};
  for (const key of ['KeyPolicy', 'AssumeRolePolicyDocument']) if (own[key] !== undefined) documents.push(own[key]);
  if (target.Type === 'AWS::DynamoDB::Table' && own.ResourcePolicy !== undefined) {
    documents.push((own.ResourcePolicy as { PolicyDocument: unknown }).PolicyDocument);
  }
  const statements: Statement[] = [];
  for (const resource of Object.values(resources)) {
    const p = resource.Properties ?? {};
    const attachment = ATTACHED_POLICIES[resource.Type];
    if (attachment && names(p[attachment.target])) documents.push(p[attachment.document]);
    if (resource.Type === 'AWS::Lambda::Permission' && names(p.FunctionName)) {
      statements.push(permissionStatement(resolver.resolve<Record<string, string>>(p), targetArn ?? targetRef));
    }
  }
  return [...documents.flatMap((document) => statementsOf(resolver.resolve<PolicyDocument>(document))), ...statements];
}

/** Options of {@link isAllowedForRole}. */
export interface RoleRequestOptions {
  /** @default createResolver(template) */
  resolver?: Resolver;
  /**
   * Condition keys of the request, merged over the defaults.
   * @default { 'aws:SecureTransport': true, 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': accountId } (the SDK always uses TLS)
   */
  context?: Record<string, ContextValue>;
}

/**
 * Whether the template lets a role (as the function using it) perform `action` on
 * `resourceArn`: the role's statements together with the resource policy of whichever template
 * resource has that ARN (or Ref), decided by {@link evaluate}.
 *
 * @example
 * ```ts
 * isAllowedForRole(json, 'ReceiverRoleAE41808F', 'sqs:SendMessage', resolver.getAtt('ProcessingQueueA1640E9B', 'Arn'), { resolver }); // true
 * ```
 */
export function isAllowedForRole(
  template: TemplateJson,
  roleLogicalId: string,
  action: string,
  resourceArn: string,
  options: RoleRequestOptions = {},
): boolean {
  const resolver = options.resolver ?? createResolver(template);
  const roleArn = resolver.getAtt(roleLogicalId, 'Arn');
  const statements = [
    ...roleStatements(template, roleLogicalId, resolver),
    ...Object.entries(template.Resources ?? {})
      .filter(
        ([id, resource]) =>
          TARGETS_WITH_POLICIES.has(resource.Type) &&
          [resolver.ref(id), ...arnOf(resolver, id, resource)].includes(resourceArn),
      )
      .flatMap(([id]) => resourcePolicyStatements(template, id, resolver)),
  ];
  const context = {
    'aws:SecureTransport': true,
    'aws:PrincipalArn': roleArn,
    'aws:PrincipalAccount': resolver.env.accountId,
    ...options.context,
  };
  return evaluate(statements, { action, resource: resourceArn, principal: { arn: roleArn }, context }) === 'allow';
}

/** Policy resources attached to another resource: the property naming it, the property holding the document. */
const ATTACHED_POLICIES: Record<string, { target: string; document: string }> = {
  'AWS::SQS::QueuePolicy': { target: 'Queues', document: 'PolicyDocument' },
  'AWS::SNS::TopicPolicy': { target: 'Topics', document: 'PolicyDocument' },
  'AWS::SecretsManager::ResourcePolicy': { target: 'SecretId', document: 'ResourcePolicy' },
  'AWS::S3::BucketPolicy': { target: 'Bucket', document: 'PolicyDocument' },
};

const TARGETS_WITH_POLICIES = new Set([
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::SecretsManager::Secret',
  'AWS::S3::Bucket',
  'AWS::Lambda::Function',
  'AWS::KMS::Key',
  'AWS::DynamoDB::Table',
]);

function arnOf(resolver: Resolver, logicalId: string, resource: TemplateResource): string[] {
  const attribute = { 'AWS::SNS::Topic': 'TopicArn', 'AWS::SecretsManager::Secret': 'Id' }[resource.Type] ?? 'Arn';
  try {
    return [resolver.getAtt(logicalId, attribute)];
  } catch {
    return []; // a type without an ARN attribute is referred to by its Ref only
  }
}

function listsRole(resource: TemplateResource, roleLogicalId: string, resolver: Resolver): boolean {
  const roles = (resource.Properties?.Roles ?? []) as unknown[];
  const roleName = resolver.ref(roleLogicalId);
  return roles.some((role) => resolver.resolve(role) === roleName);
}

function managedPolicyDocument(
  resources: Record<string, TemplateResource>,
  arn: unknown,
  resolver: Resolver,
  roleLogicalId: string,
): unknown {
  const resolved = String(resolver.resolve(arn));
  if (/^arn:[^:]+:iam::aws:policy\//.test(resolved)) {
    throw new PolicyEvaluatorError(
      `${roleLogicalId} has the AWS-managed policy ${resolved}: its statements are not in the template, so the test evaluator cannot judge it`,
    );
  }
  const match = Object.entries(resources).find(
    ([id, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy' && resolver.ref(id) === resolved,
  );
  if (!match)
    throw new PolicyEvaluatorError(`${roleLogicalId} has the managed policy ${resolved}, which is not in the template`);
  // A managed policy listing the role in Roles is collected already; only count it once.
  return listsRole(match[1], roleLogicalId, resolver) ? { Statement: [] } : match[1].Properties?.PolicyDocument;
}

/** An `AWS::Lambda::Permission` as the resource-policy statement Lambda stores for it. */
function permissionStatement(permission: Record<string, string>, functionArn: string): Statement {
  const principal = permission.Principal!;
  const condition: Record<string, Record<string, string>> = {};
  if (permission.SourceArn) condition.ArnLike = { 'aws:SourceArn': permission.SourceArn };
  if (permission.SourceAccount) condition.StringEquals = { 'aws:SourceAccount': permission.SourceAccount };
  return {
    Effect: 'Allow',
    Action: permission.Action!,
    Resource: functionArn,
    Principal: principal === '*' ? '*' : principal.includes('.') ? { Service: principal } : { AWS: principal },
    ...(Object.keys(condition).length > 0 && { Condition: condition }),
  };
}

function statementsOf(document: PolicyDocument | undefined): Statement[] {
  if (!document) return [];
  return [document.Statement].flat();
}

/**
 * A small IAM policy evaluator for tests: decides requests against the policies a synthesized
 * template really contains (identity policies of a role, resource policies of a resource),
 * the way AWS does within one account. Explicit Deny wins, else any Allow, else implicit deny.
 *
 * What it models, and what it refuses (throws `PolicyEvaluatorError` instead of guessing):
 * - `Action`/`NotAction` with `*`/`?` (case-insensitive), `Resource`/`NotResource` with `*`/`?`;
 * - `Principal`/`NotPrincipal`: `*`, `Service`, `AWS` (account id, root, role ARN, `*`);
 * - `Condition`: `Bool`, `StringEquals`, `StringNotEquals`, `StringEqualsIgnoreCase`,
 *   `StringLike`, `StringNotLike`, `ArnEquals`, `ArnLike`, `ArnNotEquals`, `ArnNotLike`, each
 *   with `...IfExists`, and `Null`; other operators throw;
 * - intrinsics `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split` and the
 *   pseudo parameters `AWS::Partition`, `AWS::Region`, `AWS::AccountId`, `AWS::URLSuffix`,
 *   `AWS::StackName`, `AWS::StackId`; others throw;
 * - AWS-managed policies and permissions boundaries are opaque: they throw.
 * Not modelled: SCPs, session policies, cross-account rules, set operators (`ForAnyValue:`).
 *
 * @example
 * ```ts
 * import { createResolver, evaluate, resourcePolicyStatements } from '../helpers/policy-evaluator.ts';
 *
 * const json = templateFor().toJSON();
 * const resolver = createResolver(json, { stackName: 'SmartcarWebhooks-dev' });
 * const decision = evaluate(resourcePolicyStatements(json, topicId, resolver), {
 *   action: 'sns:Publish',
 *   resource: resolver.ref(topicId),
 *   principal: { service: 'cloudwatch.amazonaws.com' },
 *   context: { 'aws:SecureTransport': true, 'aws:SourceAccount': resolver.env.accountId },
 * }); // 'allow' | 'explicit-deny' | 'implicit-deny'
 * ```
 * @module
 */
export { conditionsHold } from './policy/conditions.ts';
export { PolicyEvaluatorError } from './policy/errors.ts';
export { evaluate } from './policy/evaluate.ts';
export {
  createResolver,
  type PhysicalResource,
  type Resolver,
  type ResolverEnvironment,
  type ResolverOptions,
} from './policy/resolver.ts';
export {
  isAllowedForRole,
  type RoleRequestOptions,
  resourcePolicyStatements,
  roleStatements,
} from './policy/template-statements.ts';
export type {
  AccessRequest,
  ConditionElement,
  ContextValue,
  Decision,
  PrincipalElement,
  RequestPrincipal,
  Statement,
  TemplateJson,
  TemplateResource,
} from './policy/types.ts';
export { matchesArn, matchesWildcard } from './policy/wildcard.ts';

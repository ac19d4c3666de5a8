import type { AwsCall } from '../helpers/aws-recording-proxy.ts';
import { matchesArn } from '../helpers/policy/wildcard.ts';
import { isAllowedForRole, roleStatements } from '../helpers/policy-evaluator.ts';
import { type ExpectedGrant, type ExpectedResource, IAM_EXPECTED } from '../infra/iam-expected.ts';
import type { Deployment, FunctionRole } from './deployment.ts';

/**
 * IAM coverage from the rehearsal: the AWS calls the bundles really made, held against the
 * synthesized policies (policy evaluator) and the grant table (`test/infra/iam-expected.ts`).
 */

/** Identical calls, counted. */
export interface ObservedUse extends AwsCall {
  count: number;
}

/** A grant of the template no rehearsal call used. */
export interface UnusedGrant {
  function: FunctionRole;
  action: string;
  resource: string;
  /** Its line in the grant table, if it has one. */
  grant: ExpectedGrant | undefined;
}

const keyOf = (call: Pick<AwsCall, 'function' | 'action' | 'resource'>): string =>
  `${call.function} ${call.action} ${call.resource}`;

/**
 * The calls grouped by function, caller, action and resource, with a count each.
 *
 * @example
 * ```ts
 * tallyCalls(stage.calls); // [{ function: 'receiver', action: 'sqs:SendMessage', resource: 'arn:…', count: 4 }, …]
 * ```
 */
export function tallyCalls(calls: readonly AwsCall[]): ObservedUse[] {
  const uses = new Map<string, ObservedUse>();
  for (const call of calls) {
    const key = `${keyOf(call)} ${call.via ?? ''}`;
    const use = uses.get(key);
    if (use) use.count += 1;
    else uses.set(key, { ...call, count: 1 });
  }
  return [...uses.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

/**
 * The calls the template's policies would refuse: the calling function's role statements and
 * the resource's own policy (a queue's TLS-only deny, say), as the policy evaluator decides.
 *
 * @example
 * ```ts
 * expect(refusedCalls(stage.deployment, stage.calls)).toEqual([]);
 * ```
 */
export function refusedCalls(deployment: Deployment, calls: readonly AwsCall[]): ObservedUse[] {
  return tallyCalls(calls).filter((use) => {
    const role = deployment.functions[use.function as FunctionRole]?.roleLogicalId;
    if (!role) return true;
    return !isAllowedForRole(deployment.template, role, use.action, use.resource, { resolver: deployment.resolver });
  });
}

/**
 * The calls the grant table does not list for that function, or lists for the other kind of
 * caller (the function's code versus the Lambda service, here its event source mapping).
 *
 * @example
 * ```ts
 * expect(undocumentedCalls(stage.deployment, stage.calls)).toEqual([]);
 * ```
 */
export function undocumentedCalls(deployment: Deployment, calls: readonly AwsCall[]): ObservedUse[] {
  return tallyCalls(calls).filter((use) => {
    const grant = expectedGrant(deployment, use.function as FunctionRole, use.action, use.resource);
    return grant?.caller !== (use.via ? 'lambda-service' : 'function-code');
  });
}

/**
 * Every (action, resource) each function's role is granted that no recorded call used, with its
 * line in the grant table.
 *
 * @example
 * ```ts
 * unusedGrants(stage.deployment, stage.calls); // [{ function: 'processor', action: 'sqs:GetQueueAttributes', … }]
 * ```
 */
export function unusedGrants(deployment: Deployment, calls: readonly AwsCall[]): UnusedGrant[] {
  // A grant on `<bucket ARN>/prefix/*` is used by a call on any object under it.
  const isUsed = (role: FunctionRole, action: string, resource: string): boolean =>
    calls.some((call) => call.function === role && call.action === action && matchesArn(resource, call.resource));
  const unused: UnusedGrant[] = [];
  for (const role of Object.keys(deployment.functions) as FunctionRole[]) {
    const statements = roleStatements(
      deployment.template,
      deployment.functions[role].roleLogicalId,
      deployment.resolver,
    );
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      for (const action of [statement.Action ?? []].flat()) {
        for (const resource of [statement.Resource ?? []].flat()) {
          if (isUsed(role, action, resource)) continue;
          unused.push({ function: role, action, resource, grant: expectedGrant(deployment, role, action, resource) });
        }
      }
    }
  }
  return unused;
}

function expectedGrant(
  deployment: Deployment,
  role: FunctionRole,
  action: string,
  resource: string,
): ExpectedGrant | undefined {
  const grants: readonly ExpectedGrant[] = IAM_EXPECTED[role]?.grants ?? [];
  return grants.find(
    (grant) => grant.action === action && matchesArn(arnOfExpected(deployment, grant.resource), resource),
  );
}

function arnOfExpected(deployment: Deployment, resource: ExpectedResource): string {
  const [id] = Object.entries(deployment.template.Resources).find(
    ([candidate, r]) => r.Type === resource.type && candidate.startsWith(resource.logicalIdPrefix),
  ) ?? [''];
  return (
    (resource.arnAttribute ? deployment.resolver.getAtt(id, resource.arnAttribute) : deployment.resolver.ref(id)) +
    (resource.arnSuffix ?? '')
  );
}

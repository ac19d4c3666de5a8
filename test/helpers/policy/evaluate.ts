import { conditionsHold } from './conditions.ts';
import { PolicyEvaluatorError } from './errors.ts';
import type { AccessRequest, Decision, OneOrMany, PrincipalElement, RequestPrincipal, Statement } from './types.ts';
import { matchesWildcard } from './wildcard.ts';

/**
 * Decides a request the way AWS does within one account: any matching Deny wins
 * (`explicit-deny`), else any matching Allow (`allow`), else `implicit-deny`.
 *
 * Pass every statement that bears on the request together: the caller's identity-policy
 * statements (no `Principal`: they apply to the caller) and the resource's policy statements
 * (matched on `Principal`). Within one account either kind of Allow suffices.
 *
 * A statement matches when its `Action`/`NotAction` matches (case-insensitive, `*`/`?`
 * wildcards), its `Resource`/`NotResource` matches (case-sensitive wildcards; an omitted
 * `Resource` matches all), its `Principal`/`NotPrincipal` matches and every `Condition` holds.
 * Principals: `"*"` and `{ AWS: "*" }` match anyone (services too); `{ Service }` a service
 * principal; `{ AWS: roleArn }` that role and its sessions; `{ AWS: accountId | root ARN }`
 * matches any principal of that account in a Deny but, in an Allow, only the root: an account
 * grant delegates to that account's identity policies, it does not allow its roles by itself.
 *
 * @example
 * ```ts
 * evaluate(
 *   [{ Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:us-east-1:123456789012:q' }],
 *   { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:123456789012:q' },
 * ); // 'allow'
 * ```
 */
export function evaluate(statements: readonly Statement[], request: AccessRequest): Decision {
  const matching = statements.filter((statement) => statementMatches(statement, request));
  if (matching.some((statement) => statement.Effect === 'Deny')) return 'explicit-deny';
  if (matching.some((statement) => statement.Effect === 'Allow')) return 'allow';
  return 'implicit-deny';
}

function statementMatches(statement: Statement, request: AccessRequest): boolean {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new PolicyEvaluatorError(`statement ${statement.Sid ?? ''} has Effect ${String(statement.Effect)}`);
  }
  return (
    elementMatches(statement.Action, statement.NotAction, request.action, true, 'Action') &&
    (statement.Resource === undefined && statement.NotResource === undefined
      ? true
      : elementMatches(statement.Resource, statement.NotResource, request.resource, false, 'Resource')) &&
    principalMatches(statement, request.principal) &&
    conditionsHold(statement.Condition, request.context ?? {})
  );
}

function elementMatches(
  positive: OneOrMany<string> | undefined,
  negative: OneOrMany<string> | undefined,
  value: string,
  ignoreCase: boolean,
  name: string,
): boolean {
  if ((positive === undefined) === (negative === undefined)) {
    throw new PolicyEvaluatorError(`a statement needs exactly one of ${name} and Not${name}`);
  }
  const patterns = [positive ?? negative!].flat();
  for (const pattern of patterns) {
    if (typeof pattern !== 'string')
      throw new PolicyEvaluatorError(`${name} ${JSON.stringify(pattern)} is not resolved to a string`);
  }
  const any = patterns.some((pattern) => matchesWildcard(pattern, value, { ignoreCase }));
  return positive !== undefined ? any : !any;
}

function principalMatches(statement: Statement, principal: RequestPrincipal | undefined): boolean {
  if (statement.Principal !== undefined && statement.NotPrincipal !== undefined) {
    throw new PolicyEvaluatorError('a statement cannot have both Principal and NotPrincipal');
  }
  if (statement.Principal !== undefined) return namesPrincipal(statement.Principal, principal, statement.Effect);
  if (statement.NotPrincipal !== undefined) return !namesPrincipal(statement.NotPrincipal, principal, statement.Effect);
  return true; // an identity-policy statement: it applies to whoever holds it
}

function namesPrincipal(
  element: PrincipalElement,
  principal: RequestPrincipal | undefined,
  effect: Statement['Effect'],
): boolean {
  if (element === '*') return true;
  if (typeof element !== 'object' || element === null) {
    throw new PolicyEvaluatorError(`Principal ${JSON.stringify(element)} is not modelled`);
  }
  return Object.entries(element).some(([kind, values]) =>
    [values].flat().some((value) => {
      if (typeof value !== 'string')
        throw new PolicyEvaluatorError(`Principal ${JSON.stringify(value)} is not resolved to a string`);
      if (kind === 'Service')
        return (
          principal !== undefined && 'service' in principal && principal.service.toLowerCase() === value.toLowerCase()
        );
      if (kind === 'AWS')
        return (
          value === '*' ||
          (principal !== undefined && 'arn' in principal && awsPrincipalMatches(value, principal.arn, effect))
        );
      throw new PolicyEvaluatorError(`Principal kind ${kind} is not modelled by the test evaluator`);
    }),
  );
}

function awsPrincipalMatches(value: string, callerArn: string, effect: Statement['Effect']): boolean {
  const caller = identityOf(callerArn);
  const account = /^\d{12}$/.test(value) ? value : /^arn:[^:]+:iam::(\d{12}):root$/.exec(value)?.[1];
  if (account !== undefined)
    return effect === 'Deny' ? caller.account === account : caller.isRoot && caller.account === account;
  return value === caller.roleArn || value === callerArn;
}

/** The account of an IAM/STS ARN, whether it is the root, and the role ARN behind a session. */
function identityOf(arn: string): { account: string | undefined; isRoot: boolean; roleArn: string } {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (session)
    return { account: session[2], isRoot: false, roleArn: `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` };
  const iam = /^arn:[^:]+:iam::(\d{12}):(.+)$/.exec(arn);
  return { account: iam?.[1], isRoot: iam?.[2] === 'root', roleArn: arn };
}

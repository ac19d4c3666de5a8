import { PolicyEvaluatorError } from './errors.ts';
import type { ConditionElement, ContextValue } from './types.ts';
import { matchesArn, matchesWildcard } from './wildcard.ts';

/** How one operator compares a context value with a policy value, and whether it is negated. */
interface Operator {
  matches(policyValue: string, contextValue: string): boolean;
  negated: boolean;
}

const OPERATORS: Record<string, Operator> = {
  bool: { matches: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false },
  stringequals: { matches: (p, c) => p === c, negated: false },
  stringnotequals: { matches: (p, c) => p === c, negated: true },
  stringequalsignorecase: { matches: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false },
  stringlike: { matches: (p, c) => matchesWildcard(p, c), negated: false },
  stringnotlike: { matches: (p, c) => matchesWildcard(p, c), negated: true },
  // AWS documents ArnEquals and ArnLike as the same comparison (wildcards allowed in both).
  arnequals: { matches: matchesArn, negated: false },
  arnlike: { matches: matchesArn, negated: false },
  arnnotequals: { matches: matchesArn, negated: true },
  arnnotlike: { matches: matchesArn, negated: true },
  // The S3 bucket policy's TLS floor (`NumericLessThan: { 's3:TlsVersion': 1.2 }`) needs these.
  numericequals: numeric((c, p) => c === p, false),
  numericnotequals: numeric((c, p) => c === p, true),
  numericlessthan: numeric((c, p) => c < p, false),
  numericlessthanequals: numeric((c, p) => c <= p, false),
  numericgreaterthan: numeric((c, p) => c > p, false),
  numericgreaterthanequals: numeric((c, p) => c >= p, false),
};

/** A numeric operator: a value that is not a number never matches, as in AWS. */
function numeric(compare: (contextValue: number, policyValue: number) => boolean, negated: boolean): Operator {
  return {
    matches: (p, c) => {
      const [policyValue, contextValue] = [Number(p), Number(c)];
      return Number.isFinite(policyValue) && Number.isFinite(contextValue) && compare(contextValue, policyValue);
    },
    negated,
  };
}

/**
 * True when every operator and every key of a `Condition` element holds for the request context
 * (AND across operators and keys, OR across the values of one key).
 *
 * A key missing from the context makes a positive operator false and a negated one
 * (`StringNotEquals`, ...) true, as AWS documents; `...IfExists` makes either true. `Null`
 * checks presence. Condition keys are looked up case-insensitively. Set operators
 * (`ForAnyValue:`/`ForAllValues:`) and date operators are not modelled: they throw.
 *
 * @example
 * ```ts
 * conditionsHold({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:securetransport': true }); // false
 * ```
 */
export function conditionsHold(
  condition: ConditionElement | undefined,
  context: Record<string, ContextValue>,
): boolean {
  if (!condition) return true;
  const lookup = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), toStrings(value)]));
  return Object.entries(condition).every(([operatorName, keys]) =>
    Object.entries(keys).every(([key, policyValues]) =>
      operatorHolds(operatorName, toStrings(policyValues), lookup.get(key.toLowerCase())),
    ),
  );
}

function operatorHolds(operatorName: string, policyValues: string[], contextValues: string[] | undefined): boolean {
  const name = operatorName.toLowerCase();
  if (name === 'null') {
    const mustBeAbsent = policyValues.some((value) => value.toLowerCase() === 'true');
    return mustBeAbsent === (contextValues === undefined);
  }
  const ifExists = name.endsWith('ifexists');
  const operator = OPERATORS[ifExists ? name.slice(0, -'ifexists'.length) : name];
  if (!operator)
    throw new PolicyEvaluatorError(`condition operator ${operatorName} is not modelled by the test evaluator`);
  if (contextValues === undefined) return ifExists || operator.negated;
  const anyMatch = contextValues.some((contextValue) =>
    policyValues.some((policyValue) => operator.matches(policyValue, contextValue)),
  );
  return operator.negated ? !anyMatch : anyMatch;
}

function toStrings(value: ContextValue | string | boolean | number | (string | boolean | number)[]): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

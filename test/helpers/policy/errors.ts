/**
 * Something the test policy evaluator does not model (an unsupported condition operator, an
 * AWS-managed policy whose content is not in the template, an unresolvable intrinsic). It
 * throws instead of guessing, so a test can never pass on a policy it did not really read.
 *
 * @example
 * ```ts
 * expect(() => evaluate([statement], request)).toThrow(PolicyEvaluatorError);
 * ```
 */
export class PolicyEvaluatorError extends Error {
  public constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PolicyEvaluatorError';
  }
}

/** One value or a list of values, as IAM policy elements allow. */
export type OneOrMany<T> = T | T[];

/** A `Principal` / `NotPrincipal` element: `"*"` or `{ AWS | Service: one or many }`. */
export type PrincipalElement = '*' | { [kind: string]: OneOrMany<string> };

/** `{ Operator: { conditionKey: value(s) } }`, e.g. `{ Bool: { 'aws:SecureTransport': 'false' } }`. */
export type ConditionElement = Record<string, Record<string, OneOrMany<string | boolean | number>>>;

/**
 * One policy statement with every intrinsic already resolved to a string. Identity-policy
 * statements have no `Principal`; resource-policy statements do.
 */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  /** @default - omitted, which matches every resource (resource policies may leave it out) */
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
  Condition?: ConditionElement;
}

/** Who makes a request: a service principal or an IAM/STS ARN (role, assumed-role session, account root). */
export type RequestPrincipal = { service: string } | { arn: string };

/** A condition-key value in the request context (`aws:SecureTransport: true`, `aws:SourceArn: '...'`). */
export type ContextValue = string | boolean | number | string[];

/** What is being asked: `principal` may do `action` on `resource`, with these condition keys. */
export interface AccessRequest {
  /** `service:Action`, e.g. `sqs:SendMessage` (matched case-insensitively). */
  action: string;
  /** The resource ARN (matched case-sensitively). */
  resource: string;
  /**
   * The caller; needed to match resource-policy statements.
   * @default - none: statements with a Principal never match, identity statements still do
   */
  principal?: RequestPrincipal;
  /**
   * Condition keys of the request; keys are matched case-insensitively.
   * @default {}
   */
  context?: Record<string, ContextValue>;
}

/** The outcome, as AWS decides it for one account. */
export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** A synthesized template as `Template.toJSON()` returns it. */
export interface TemplateJson {
  Resources?: Record<string, TemplateResource>;
  [section: string]: unknown;
}

/** One resource of a {@link TemplateJson}. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

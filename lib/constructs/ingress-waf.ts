import { ArnFormat, Aws, Names, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IMetric, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { SIGNATURE_HEADER } from '../../lambda/receiver/constants.ts';
import { RESOURCE_DEFAULTS, WAF_DEFAULTS } from '../defaults.ts';
import { overrideProps } from '../override-props.ts';
import type { FrontDoorMetricOptions } from './ingress-types.ts';
import { integerAbovePattern } from './ingress-waf-patterns.ts';

/** Properties of {@link RegionalWebAcl}. */
export interface RegionalWebAclProps {
  /** ARN of the regional resource to protect (a REST API stage). */
  readonly resourceArn: string;
  /**
   * Largest body, in bytes, let through to the receiver: a larger `Content-Length` is refused
   * with 413. The most Lambda takes (`LAMBDA_SYNC_PAYLOAD_BYTES`), not the receiver's limit: a
   * signed body over that one is quarantined, so it must get there.
   */
  readonly maxBodyBytes: number;
  /**
   * Requests one client IP may send per minute before it is answered 429 until it slows down.
   * @default WAF_DEFAULTS.rateLimitPerMinute
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Retention of the WAF log group (blocked requests only).
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Removal policy of the WAF log group.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Rule names, which are also their CloudWatch metric names (`Rule` dimension). */
export const WAF_RULES = {
  RATE_LIMIT: 'RateLimitPerClientIp',
  BODY_SIZE: 'BodyTooLarge',
  IP_REPUTATION: 'AwsIpReputation',
  KNOWN_BAD_INPUTS: 'AwsKnownBadInputs',
} as const;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  // Sampled requests show every header, SC-Signature included, to anyone with console access.
  sampledRequestsEnabled: false,
});

const managedGroup = (name: string, priority: number, vendorRule: string): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: vendorRule } },
  visibilityConfig: visibility(name),
});

/**
 * A regional AWS WAF web ACL for the REST API front door, associated with its stage:
 * 1. a rate-based rule per client IP (429 once an address sends more than the limit in a minute);
 * 2. `Content-Length` above the receiver's body limit: 413 before anything is invoked;
 * 3. AWS managed rules: Amazon IP reputation list, known bad inputs.
 * Everything else is allowed through to API Gateway (and the receiver's HMAC check).
 *
 * CloudWatch metrics per rule; blocked requests only are logged (to `aws-waf-logs-*`), with the
 * `SC-Signature` header redacted, so normal traffic adds no log cost.
 *
 * @example
 * ```ts
 * const waf = new RegionalWebAcl(this, 'Waf', { resourceArn: stage.stageArn, maxBodyBytes: 1_048_576 });
 * waf.metricBlocked(WAF_RULES.RATE_LIMIT, { period: Duration.minutes(5) });
 * ```
 */
export class RegionalWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: CfnWebACL;
  /** Where blocked requests are logged. */
  public readonly logGroup: LogGroup;
  /** Requests per client IP per minute above which an address is throttled. */
  public readonly rateLimitPerMinute: number;
  private readonly webAclName: string;

  public constructor(scope: Construct, id: string, userProps: RegionalWebAclProps) {
    super(scope, id);
    const props = overrideProps(RESOURCE_DEFAULTS, userProps);
    this.rateLimitPerMinute = props.rateLimitPerMinute ?? WAF_DEFAULTS.rateLimitPerMinute;
    this.webAclName = Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      description: 'Smartcar webhooks: per-IP rate limit, body size, AWS IP reputation and known bad inputs',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(this.webAclName),
      rules: [
        {
          name: WAF_RULES.RATE_LIMIT,
          priority: 0,
          action: { block: { customResponse: { responseCode: 429 } } },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              evaluationWindowSec: 60,
              limit: this.rateLimitPerMinute,
            },
          },
          visibilityConfig: visibility(WAF_RULES.RATE_LIMIT),
        },
        {
          name: WAF_RULES.BODY_SIZE,
          priority: 1,
          action: { block: { customResponse: { responseCode: 413 } } },
          statement: {
            regexMatchStatement: {
              regexString: integerAbovePattern(props.maxBodyBytes),
              fieldToMatch: { singleHeader: { Name: 'content-length' } },
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          visibilityConfig: visibility(WAF_RULES.BODY_SIZE),
        },
        managedGroup(WAF_RULES.IP_REPUTATION, 2, 'AWSManagedRulesAmazonIpReputationList'),
        managedGroup(WAF_RULES.KNOWN_BAD_INPUTS, 3, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });

    const association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.resourceArn,
      webAclArn: this.webAcl.attrArn,
    });
    association.addResourceDependency(this.webAcl);

    // WAF writes to CloudWatch Logs only into groups named aws-waf-logs-*.
    const logGroupName = `aws-waf-logs-${this.webAclName}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The group's ARN without the ":*" suffix of its Arn attribute, as WAF expects it.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: SIGNATURE_HEADER } }],
      // Typed `any` by CDK, so written in CloudFormation's own casing.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          { Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] },
        ],
      },
    });
    logging.node.addDependency(this.logGroup);
  }

  /**
   * Requests a rule blocked (`AWS/WAFV2` `BlockedRequests`), or the whole web ACL's with `ALL`.
   *
   * @example
   * ```ts
   * waf.metricBlocked(WAF_RULES.RATE_LIMIT, { period: Duration.minutes(5) });
   * ```
   */
  public metricBlocked(rule: string, options: FrontDoorMetricOptions): IMetric {
    return new Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: this.webAclName, Region: Aws.REGION, Rule: rule },
      statistic: 'Sum',
      ...options,
    });
  }
}

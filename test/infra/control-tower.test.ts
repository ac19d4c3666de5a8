import { describe, expect, it } from 'vitest';
import type { IngressKind } from '../../lib/constructs/ingress-types.ts';
import { controlTowerReport } from '../helpers/cfn-guard.ts';
import { templateFor } from './helpers.ts';

/**
 * The AWS Control Tower proactive controls that `@cdklabs/cdk-validator-cfnguard` ships, run
 * with its own cfn-guard binary against each front door with a customer managed key and a
 * year of log retention. Every control that applies passes except the ones below, each failing
 * by design; a control that starts failing (or one of these that starts passing) fails the test.
 * README "Encryption" lists the same table.
 */
const FAILING_BY_DESIGN: Record<IngressKind, Record<string, string>> = {
  'http-api': {
    'CT.APIGATEWAY.PR.5':
      'The two routes have no authorizer: Smartcar cannot send IAM or JWT credentials; the SC-Signature HMAC, checked by the receiver before anything is stored, is the authentication.',
    'CT.LAMBDA.PR.2':
      "API Gateway's permission to invoke the receiver is scoped by SourceArn to the one route, but as an Fn::Join of the API's ARN, which the rule does not resolve.",
    'CT.LAMBDA.PR.3':
      'Both functions run outside a VPC: they reach only AWS APIs over TLS, and a VPC would add NAT or interface-endpoint charges larger than the whole pipeline at this volume.',
    'CT.SQS.PR.1':
      'The dead-letter queue has no dead-letter queue of its own; an operator redrives it to the main queue.',
  },
  'rest-api': {
    'CT.APIGATEWAY.PR.2':
      'No X-Ray tracing on the stage: a trace would end at the queue; events are correlated end to end by eventId in logs and metrics.',
    'CT.LAMBDA.PR.2':
      "API Gateway's permission is scoped by SourceArn to the one method, as an Fn::Join the rule does not resolve.",
    'CT.LAMBDA.PR.3': 'Both functions run outside a VPC (see http-api).',
    'CT.SQS.PR.1': 'The dead-letter queue has no dead-letter queue of its own.',
  },
  'function-url': {
    'CT.LAMBDA.PR.2':
      'The Function URL is public (auth NONE) and so is its invoke permission: the HMAC is the authentication.',
    'CT.LAMBDA.PR.3': 'Both functions run outside a VPC (see http-api).',
    'CT.LAMBDA.PR.5': 'The Function URL uses auth NONE: Smartcar cannot sign requests with SigV4.',
    'CT.SQS.PR.1': 'The dead-letter queue has no dead-letter queue of its own.',
  },
};

/**
 * The archive bucket's (issue 12), with every front door: each a decision README "Archive and
 * replay" explains.
 */
const ARCHIVE_FAILING_BY_DESIGN: Record<string, string> = {
  'CT.S3.PR.2':
    'No server access logs: only Firehose writes and only operators replay, both visible in CloudTrail; access logs would need a second bucket (the AwsSolutions-S1 acknowledgement).',
  'CT.S3.PR.4':
    'No event notifications: nothing reacts to a new archive object; npm run replay reads a window when an operator asks.',
  'CT.S3.PR.9':
    'No Object Lock: objects must expire after archiveRetentionDays; no role of the stack may delete, and the bucket is retained with the stack.',
  'CT.S3.PR.11':
    'Versioning off: Firehose writes each object once under a unique key and nothing overwrites one; versions would only keep copies past their expiry.',
};

/**
 * The controls issue 14 names, and the others on this stack's data at rest: CT.S3.PR.10 is the
 * archive bucket on the pipeline key (SSE-KMS with an S3 Bucket Key).
 */
const REQUIRED_WITH_A_CMK = [
  'CT.DYNAMODB.PR.2',
  'CT.CLOUDWATCH.PR.3',
  'CT.SQS.PR.2',
  'CT.KMS.PR.1',
  'CT.KMS.PR.3',
  'CT.S3.PR.10',
];
const LOG_RETENTION_CONTROL = 'CT.CLOUDWATCH.PR.2';

describe('Control Tower proactive controls (cfn-guard, shipped rules)', () => {
  it.each(Object.keys(FAILING_BY_DESIGN) as IngressKind[])(
    'passes every applicable control but the by-design ones with a CMK and 365-day logs: %s',
    (ingress) => {
      // Prepare
      const template = templateFor({ ingress, encryptionKey: 'create', logRetentionDays: 365 }).toJSON();

      // Act
      const report = controlTowerReport(template);

      // Assess
      expect(Object.keys(report.failed).sort()).toEqual(
        Object.keys({
          ...FAILING_BY_DESIGN[ingress],
          ...ARCHIVE_FAILING_BY_DESIGN,
        }).sort(),
      );
      expect(report.passed).toEqual(expect.arrayContaining([...REQUIRED_WITH_A_CMK, LOG_RETENTION_CONTROL]));
    },
    60_000,
  );

  it('fails the encryption controls on AWS-managed keys and the retention control on the 30-day default', () => {
    // Prepare
    const template = templateFor().toJSON();

    // Act
    const report = controlTowerReport(template);

    // Assess
    expect(Object.keys(report.failed)).toEqual(
      expect.arrayContaining(['CT.DYNAMODB.PR.2', 'CT.CLOUDWATCH.PR.3', 'CT.S3.PR.10', LOG_RETENTION_CONTROL]),
    );
    expect(report.failed['CT.CLOUDWATCH.PR.3']).toHaveLength(4); // both functions' groups, the API access log and the archive's delivery errors
  });

  it('holds the key controls with an imported key too', () => {
    // Prepare
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const template = templateFor({ encryptionKey: arn }).toJSON();

    // Act
    const report = controlTowerReport(template);

    // Assess
    expect(report.passed).toEqual(
      expect.arrayContaining(['CT.DYNAMODB.PR.2', 'CT.CLOUDWATCH.PR.3', 'CT.SQS.PR.2', 'CT.S3.PR.10']),
    );
    expect(report.failed[LOG_RETENTION_CONTROL]).toBeDefined(); // 30 days unless logRetentionDays >= 365
  });
});

import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambda/core/constants.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';
import { logicalId, templateFor } from './helpers.ts';

describe('Outputs', () => {
  /** Outputs only some configurations have (each tested where it applies, test/ingress/). */
  const CONDITIONAL: string[] = [STACK_OUTPUTS.CUSTOM_DOMAIN_TARGET];

  it.each(Object.values(STACK_OUTPUTS).filter((key) => !CONDITIONAL.includes(key)))('exports %s', (key) => {
    // Prepare
    const template = templateFor();

    // Act
    const outputs = template.findOutputs(key);

    // Assess
    expect(Object.keys(outputs)).toEqual([key]);
  });

  it('gives the webhook and error callback URLs as the API endpoint plus the route path', () => {
    // Prepare
    const template = templateFor();
    const api = logicalId(template, 'AWS::ApiGatewayV2::Api', 'IngressApi');

    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs[STACK_OUTPUTS.WEBHOOK_URL]?.Value).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [api, 'ApiEndpoint'] }, ROUTES.DATA_PATH]],
    });
    expect(outputs[STACK_OUTPUTS.ERROR_CALLBACK_URL]?.Value).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [api, 'ApiEndpoint'] }, ROUTES.ERROR_PATH]],
    });
  });

  it('gives the queue URLs the DLQ CLI needs', () => {
    // Prepare
    const template = templateFor();
    const queue = logicalId(template, 'AWS::SQS::Queue', 'ProcessingQueue');
    const dlq = logicalId(template, 'AWS::SQS::Queue', 'ProcessingDeadLetterQueue');

    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs[STACK_OUTPUTS.QUEUE_URL]?.Value).toEqual({ Ref: queue });
    expect(outputs[STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL]?.Value).toEqual({ Ref: dlq });
  });

  it('names the idempotency table the smoke CLI reads', () => {
    // Prepare
    const template = templateFor();
    const table = logicalId(template, 'AWS::DynamoDB::Table', 'ProcessingIdempotencyTable');

    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs[STACK_OUTPUTS.IDEMPOTENCY_TABLE_NAME]?.Value).toEqual({ Ref: table });
  });

  it("names the processor's log group that dlq list --errors searches", () => {
    // Prepare
    const template = templateFor();
    const logGroup = logicalId(template, 'AWS::Logs::LogGroup', 'ProcessingProcessorLogGroup');

    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs[STACK_OUTPUTS.PROCESSOR_LOG_GROUP_NAME]?.Value).toEqual({ Ref: logGroup });
  });
});

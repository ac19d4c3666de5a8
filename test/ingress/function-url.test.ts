import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambda/core/constants.ts';
import { api4xxThresholdFor } from '../../lib/alarm-defaults.ts';
import { FUNCTION_URL_DEFAULTS } from '../../lib/defaults.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';
import { logicalId, resourceByPrefix, templateFor } from '../infra/helpers.ts';
import { alarmProps, outputValues, typesStartingWith } from './helpers.ts';

const FUNCTION_URL = { ingress: 'function-url' };

describe('Front door: function-url', () => {
  it('puts a Function URL with auth NONE on the receiver and no API Gateway at all', () => {
    // Prepare
    const template = templateFor(FUNCTION_URL);
    const receiver = logicalId(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Url', 'IngressUrl');

    // Assess
    expect(properties).toEqual({ AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [receiver, 'Arn'] } });
    expect(typesStartingWith(template, 'AWS::ApiGateway')).toEqual([]);
    expect(typesStartingWith(template, 'AWS::WAFv2')).toEqual([]);
  });

  it('lets anyone invoke the receiver through the URL only, as a public URL needs since October 2025', () => {
    // Prepare
    const template = templateFor(FUNCTION_URL);
    const receiver = logicalId(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Act
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map(
      (p) => (p as { Properties: Record<string, unknown> }).Properties,
    );

    // Assess
    expect(permissions).toEqual([
      {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: { 'Fn::GetAtt': [receiver, 'Arn'] },
        FunctionUrlAuthType: 'NONE',
        Principal: '*',
      },
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [receiver, 'Arn'] },
        InvokedViaFunctionUrl: true,
        Principal: '*',
      },
    ]);
  });

  it('caps the receiver at its default reserved concurrency, its only throttle', () => {
    // Prepare
    const template = templateFor(FUNCTION_URL);

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect(properties.ReservedConcurrentExecutions).toBe(FUNCTION_URL_DEFAULTS.reservedConcurrency);
  });

  it('uses the reserved concurrency given in context', () => {
    // Prepare
    const template = templateFor({ ...FUNCTION_URL, receiverReservedConcurrency: 7 });

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect(properties.ReservedConcurrentExecutions).toBe(7);
  });

  it('leaves the receiver without reserved concurrency behind the HTTP API, as before', () => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect(properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('gives the Smartcar Dashboard the URL plus each route path (the receiver routes by rawPath)', () => {
    // Prepare
    const template = templateFor(FUNCTION_URL);
    const url = logicalId(template, 'AWS::Lambda::Url', 'IngressUrl');

    // Act
    const outputs = outputValues(template);

    // Assess: the URL attribute ends in "/", so the paths are joined without their first slash.
    expect(outputs[STACK_OUTPUTS.WEBHOOK_URL]).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [url, 'FunctionUrl'] }, ROUTES.DATA_PATH.slice(1)]],
    });
    expect(outputs[STACK_OUTPUTS.ERROR_CALLBACK_URL]).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [url, 'FunctionUrl'] }, ROUTES.ERROR_PATH.slice(1)]],
    });
  });

  it('tells the receiver which path is the error route', () => {
    // Prepare
    const template = templateFor({ ...FUNCTION_URL, errorPath: '/hooks/errors' });

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Assess
    expect((properties.Environment as { Variables: Record<string, string> }).Variables.ERROR_CALLBACK_PATH).toBe(
      '/hooks/errors',
    );
  });

  it.each([
    [
      'Api4xx',
      'Url4xxCount',
      api4xxThresholdFor(
        FUNCTION_URL_DEFAULTS.reservedConcurrency * FUNCTION_URL_DEFAULTS.requestsPerSecondPerConcurrency,
      ),
    ],
    ['Api5xx', 'Url5xxCount', 0],
  ])('wires %s to the Function URL metric %s of the receiver', (alarm, metricName, threshold) => {
    // Prepare
    const template = templateFor(FUNCTION_URL);
    const receiver = logicalId(template, 'AWS::Lambda::Function', 'ReceiverFunction');

    // Act
    const properties = alarmProps(template, alarm);

    // Assess
    expect(properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: receiver } }],
      Threshold: threshold,
    });
  });

  it('sizes the 4xx alarm from the reserved concurrency given in context', () => {
    // Prepare
    const template = templateFor({ ...FUNCTION_URL, receiverReservedConcurrency: 50 });

    // Act
    const properties = alarmProps(template, 'Api4xx');

    // Assess: 10 requests per second per reserved unit.
    expect(properties.Threshold).toBe(api4xxThresholdFor(500));
  });
});

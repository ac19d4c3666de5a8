import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambda/core/constants.ts';
import { INGRESS_DEFAULTS } from '../../lib/defaults.ts';
import { logicalId, resourceByPrefix, templateFor } from './helpers.ts';

describe('Ingress', () => {
  it('routes POST on the data path to the receiver', () => {
    // Prepare
    const template = templateFor();

    // Act
    const routes = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: `POST ${ROUTES.DATA_PATH}` },
    });

    // Assess
    expect(Object.keys(routes)).toHaveLength(1);
  });

  it('routes POST on the error callback path to the receiver', () => {
    // Prepare
    const template = templateFor();

    // Act
    const routes = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: `POST ${ROUTES.ERROR_PATH}` },
    });

    // Assess
    expect(Object.keys(routes)).toHaveLength(1);
  });

  it('has no other route: no $default, no ANY, no greedy path', () => {
    // Prepare
    const template = templateFor();

    // Act
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );

    // Assess
    expect(routeKeys.sort()).toEqual([`POST ${ROUTES.DATA_PATH}`, `POST ${ROUTES.ERROR_PATH}`]);
  });

  it('uses the paths given in context', () => {
    // Prepare
    const template = templateFor({ dataPath: '/hooks/data', errorPath: '/hooks/errors' });

    // Act
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );

    // Assess
    expect(routeKeys.sort()).toEqual(['POST /hooks/data', 'POST /hooks/errors']);
  });

  it('integrates both routes with the receiver as a payload 2.0 Lambda proxy', () => {
    // Prepare
    const template = templateFor();
    const receiver = logicalId(template, 'AWS::Lambda::Function', 'Receiver');

    // Act
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');

    // Assess
    for (const integration of Object.values(integrations)) {
      expect((integration as { Properties: unknown }).Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [receiver, 'Arn'] },
      });
    }
    expect(Object.keys(integrations).length).toBeGreaterThan(0);
  });

  it('throttles the stage with the default rate and burst', () => {
    // Prepare
    const template = templateFor();

    // Act & Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: {
        ThrottlingRateLimit: INGRESS_DEFAULTS.throttleRateLimit,
        ThrottlingBurstLimit: INGRESS_DEFAULTS.throttleBurstLimit,
      },
    });
  });

  it('throttles the stage with the rate and burst given in context', () => {
    // Prepare
    const template = templateFor({ throttleRateLimit: '25', throttleBurstLimit: 50 });

    // Act & Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 },
    });
  });

  it('writes JSON access logs to its own log group', () => {
    // Prepare
    const template = templateFor();
    const accessLogs = logicalId(template, 'AWS::Logs::LogGroup', 'IngressAccessLogs');

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::ApiGatewayV2::Stage', 'IngressStage');
    const settings = properties.AccessLogSettings as { DestinationArn: unknown; Format: string };

    // Assess
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [accessLogs, 'Arn'] });
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
    });
  });

  it('never logs request bodies or headers in the access log', () => {
    // Prepare
    const template = templateFor();

    // Act
    const { properties } = resourceByPrefix(template, 'AWS::ApiGatewayV2::Stage', 'IngressStage');
    const format = (properties.AccessLogSettings as { Format: string }).Format;

    // Assess
    expect(format).not.toMatch(/\$(context|input|request)\.(body|header|requestOverride)/i);
    expect(format).not.toMatch(/sc-signature/i);
  });
});

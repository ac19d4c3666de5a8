import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambda/core/constants.ts';
import { readConfig } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';
import { EXAMPLE_CERTIFICATE_ARN } from '../infra/cfn-lint-variants.ts';
import { logicalId, resourceByPrefix, templateFor } from '../infra/helpers.ts';
import { onCustomDomain, outputValues } from './helpers.ts';

const DOMAIN = 'hooks.example.com';

describe('Custom domain', () => {
  describe('on the HTTP API', () => {
    it('creates a regional TLS 1.2 domain with the given certificate, mapped to the $default stage', () => {
      // Prepare
      const template = templateFor(onCustomDomain('http-api'));
      const api = logicalId(template, 'AWS::ApiGatewayV2::Api', 'IngressApi');
      const domain = logicalId(template, 'AWS::ApiGatewayV2::DomainName', 'IngressDomain');

      // Act
      const mapping = resourceByPrefix(template, 'AWS::ApiGatewayV2::ApiMapping', 'IngressDomainMapping').properties;

      // Assess
      template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: DOMAIN,
        DomainNameConfigurations: [
          { CertificateArn: EXAMPLE_CERTIFICATE_ARN, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
        ],
      });
      expect(mapping).toMatchObject({ ApiId: { Ref: api }, DomainName: { Ref: domain } });
    });

    it('disables the execute-api endpoint, so the domain is the only way in', () => {
      // Prepare
      const withDomain = templateFor(onCustomDomain('http-api'));
      const without = templateFor();

      // Act
      const disabled = [withDomain, without].map(
        (t) => resourceByPrefix(t, 'AWS::ApiGatewayV2::Api', 'IngressApi').properties.DisableExecuteApiEndpoint,
      );

      // Assess
      expect(disabled).toEqual([true, false]);
    });

    it('gives the Smartcar Dashboard https://<domain><path> and the DNS target', () => {
      // Prepare
      const template = templateFor(onCustomDomain('http-api'));
      const domain = logicalId(template, 'AWS::ApiGatewayV2::DomainName', 'IngressDomain');

      // Act
      const outputs = outputValues(template);

      // Assess
      expect(outputs[STACK_OUTPUTS.WEBHOOK_URL]).toBe(`https://${DOMAIN}${ROUTES.DATA_PATH}`);
      expect(outputs[STACK_OUTPUTS.ERROR_CALLBACK_URL]).toBe(`https://${DOMAIN}${ROUTES.ERROR_PATH}`);
      expect(outputs[STACK_OUTPUTS.CUSTOM_DOMAIN_TARGET]).toEqual({ 'Fn::GetAtt': [domain, 'RegionalDomainName'] });
    });
  });

  describe('on the REST API', () => {
    it('creates a regional TLS 1.2 domain whose root maps to the stage', () => {
      // Prepare
      const template = templateFor(onCustomDomain('rest-api'));
      const api = logicalId(template, 'AWS::ApiGateway::RestApi', 'IngressApi');
      const stage = logicalId(template, 'AWS::ApiGateway::Stage', 'IngressApiDeploymentStage');

      // Act
      const mapping = resourceByPrefix(template, 'AWS::ApiGateway::BasePathMapping', 'IngressDomain').properties;

      // Assess
      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: DOMAIN,
        RegionalCertificateArn: EXAMPLE_CERTIFICATE_ARN,
        EndpointConfiguration: { Types: ['REGIONAL'] },
        SecurityPolicy: 'TLS_1_2',
      });
      expect(mapping).toMatchObject({ RestApiId: { Ref: api }, Stage: { Ref: stage } });
      expect(mapping.BasePath).toBeUndefined();
    });

    it('disables the execute-api endpoint, so WAF and the domain are the only way in', () => {
      // Prepare
      const withDomain = templateFor(onCustomDomain('rest-api'));
      const without = templateFor({ ingress: 'rest-api' });

      // Act
      const disabled = [withDomain, without].map(
        (t) => resourceByPrefix(t, 'AWS::ApiGateway::RestApi', 'IngressApi').properties.DisableExecuteApiEndpoint,
      );

      // Assess
      expect(disabled).toEqual([true, false]);
    });

    it('gives the Smartcar Dashboard https://<domain><path> without the stage name, and the DNS target', () => {
      // Prepare
      const template = templateFor(onCustomDomain('rest-api'));
      const domain = logicalId(template, 'AWS::ApiGateway::DomainName', 'IngressDomain');

      // Act
      const outputs = outputValues(template);

      // Assess
      expect(outputs[STACK_OUTPUTS.WEBHOOK_URL]).toBe(`https://${DOMAIN}${ROUTES.DATA_PATH}`);
      expect(outputs[STACK_OUTPUTS.ERROR_CALLBACK_URL]).toBe(`https://${DOMAIN}${ROUTES.ERROR_PATH}`);
      expect(outputs[STACK_OUTPUTS.CUSTOM_DOMAIN_TARGET]).toEqual({ 'Fn::GetAtt': [domain, 'RegionalDomainName'] });
    });
  });

  it('adds no DNS target output without a domain', () => {
    // Prepare
    const template = templateFor();

    // Act
    const outputs = outputValues(template);

    // Assess
    expect(outputs).not.toHaveProperty(STACK_OUTPUTS.CUSTOM_DOMAIN_TARGET);
  });
});

describe('Front-door context keys', () => {
  const read = (context: Record<string, unknown>) => () => readConfig(new App({ context }).node);

  it.each([
    [{ ingress: 'http' }, 'ingress', /one of http-api, function-url, rest-api/],
    [{ domainName: DOMAIN }, 'certificateArn', /set together/],
    [{ certificateArn: EXAMPLE_CERTIFICATE_ARN }, 'domainName', /set together/],
    [{ ...onCustomDomain('function-url') }, 'domainName', /no custom domain with ingress=function-url/],
    [{ domainName: 'Hooks.Example.com', certificateArn: EXAMPLE_CERTIFICATE_ARN }, 'domainName', /lowercase host name/],
    [
      { domainName: DOMAIN, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/nope' },
      'certificateArn',
      /ACM certificate ARN/,
    ],
    [{ wafRateLimit: 100 }, 'wafRateLimit', /ingress=rest-api/],
    [{ ingress: 'rest-api', wafRateLimit: 9 }, 'wafRateLimit', /from 10 to 2000000000/],
  ])('refuses %j naming %s', (context, key, message) => {
    // Prepare
    const attempt = read(context);

    // Act
    let error: unknown;
    try {
      attempt();
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe(key);
    expect((error as ConfigError).message).toMatch(message);
  });

  it.each(['http-api', 'function-url', 'rest-api'])('reads ingress=%s', (ingress) => {
    // Prepare
    const attempt = read({ ingress });

    // Act
    const config = attempt();

    // Assess
    expect(config.ingress).toBe(ingress);
  });
});

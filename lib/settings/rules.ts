import { PIPELINE_DEFAULTS, ROUTES } from '../../lambda/core/constants.ts';
import { ConfigError } from '../errors.ts';
import type { SettingValues } from './table.ts';

/**
 * Checks between settings, run after every row parsed: each throws a `ConfigError` naming the key
 * to change. Unset keys count as their defaults.
 */
export const SETTING_RULES: readonly ((settings: SettingValues) => void)[] = [
  (s) => {
    const errorPath = s.errorPath ?? ROUTES.ERROR_PATH;
    if ((s.dataPath ?? ROUTES.DATA_PATH) === errorPath)
      throw new ConfigError('errorPath', 'a path different from dataPath', errorPath);
  },
  (s) => {
    if ((s.domainName === undefined) !== (s.certificateArn === undefined)) {
      const missing = s.domainName === undefined ? 'domainName' : 'certificateArn';
      throw new ConfigError(missing, 'domainName and certificateArn set together', undefined);
    }
  },
  (s) => {
    if (s.domainName !== undefined && s.ingress === 'function-url') {
      // A Function URL has no custom domain of its own; that would take CloudFront in front of it.
      throw new ConfigError(
        'domainName',
        'no custom domain with ingress=function-url (use http-api or rest-api)',
        s.domainName,
      );
    }
  },
  (s) => {
    if (s.wafRateLimit !== undefined && s.ingress !== 'rest-api') {
      throw new ConfigError('wafRateLimit', 'ingress=rest-api (only the REST API has a WAF)', s.wafRateLimit);
    }
  },
  (s) => {
    if ((s.batchSize ?? PIPELINE_DEFAULTS.batchSize) > 10 && !s.maxBatchingWindowSeconds) {
      throw new ConfigError(
        'maxBatchingWindowSeconds',
        'at least 1 when batchSize is above 10 (an SQS event source rule)',
        s.maxBatchingWindowSeconds ?? 0,
      );
    }
  },
];

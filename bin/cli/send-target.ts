import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ROUTES } from '../../lambda/core/constants.ts';
import { urlOption } from './args.ts';
import { UsageError } from './errors.ts';
import { localPipelineUrl } from './local-address.ts';
import { readStackOutputs, STACK_OUTPUTS } from './stack-outputs.ts';

/** Where `npm run send` was told to post. */
export interface SendTargetOptions {
  url?: string | undefined;
  stack?: string | undefined;
  region?: string | undefined;
  /** Post to the "Vehicle error callback URI" route instead of the data route. */
  errorRoute: boolean;
  env?: NodeJS.ProcessEnv;
  cloudFormation?: CloudFormationClient;
}

/**
 * The URL `npm run send` posts to: a deployed stack's `WebhookUrl` / `ErrorCallbackUrl` output
 * (`--stack`), `--url`, or the running `npm start` at `$PORT` ({@link localPipelineUrl}).
 * A `--url` without a path gets the route's path; with `errorRoute` a data-route URL gets the
 * error path in its place, and any other path is refused rather than posted to silently.
 *
 * @throws UsageError for both `--url` and `--stack`, a malformed URL, or `--error-route` with a URL
 * whose error path cannot be told.
 * @example
 * ```ts
 * await resolveSendUrl({ url: 'http://127.0.0.1:8080', errorRoute: true }); // 'http://127.0.0.1:8080/webhooks/smartcar/errors'
 * ```
 */
export async function resolveSendUrl(options: SendTargetOptions): Promise<string> {
  if (options.url && options.stack) throw new UsageError('Pass either --url or --stack, not both');
  if (options.stack) return stackUrl(options);
  const given = urlOption(options.url, '--url');
  return routeUrl(given ?? new URL(localPipelineUrl(options.env)), options.errorRoute).href;
}

function routeUrl(url: URL, errorRoute: boolean): URL {
  const path = url.pathname.replace(/\/+$/, '');
  const wanted = errorRoute ? ROUTES.ERROR_PATH : ROUTES.DATA_PATH;
  if (path === '') return new URL(wanted, url);
  if (!errorRoute || path.endsWith(ROUTES.ERROR_PATH)) return url;
  if (path.endsWith(ROUTES.DATA_PATH)) {
    const errorUrl = new URL(url);
    errorUrl.pathname = `${path.slice(0, -ROUTES.DATA_PATH.length)}${ROUTES.ERROR_PATH}`;
    return errorUrl;
  }
  throw new UsageError(
    `--error-route cannot tell the error path of ${url.href} (it does not end in ${ROUTES.DATA_PATH}): ` +
      'pass the error callback URL itself as --url, without --error-route',
  );
}

async function stackUrl(options: SendTargetOptions): Promise<string> {
  const key = options.errorRoute ? STACK_OUTPUTS.ERROR_CALLBACK_URL : STACK_OUTPUTS.WEBHOOK_URL;
  const client = options.cloudFormation ?? new CloudFormationClient(options.region ? { region: options.region } : {});
  try {
    return (await readStackOutputs(client, options.stack!, [key]))[key];
  } finally {
    if (!options.cloudFormation) client.destroy();
  }
}

#!/usr/bin/env -S npx tsx
/**
 * `npm run smoke -- --stack NAME` (or `--local URL`): after a deploy, proves the pipeline works
 * end to end with a signed VERIFY and a signed test VEHICLE_STATE that the processor must record
 * as COMPLETED. See `--help`.
 */
import { runCli } from './cli/run-cli.ts';
import { SMOKE_USAGE, smokeCommand } from './cli/smoke-command.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
runCli('smoke', SMOKE_USAGE, () =>
  smokeCommand(process.argv.slice(2), { write: (text) => process.stdout.write(text) }),
);

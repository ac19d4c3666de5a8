import { type AmtLookup, type FoundAmt, findAmt, localAmtFile } from '../../local/api/amt.ts';
import { AMT_ENV, LOCAL_ENV_FILE } from '../../local/api/constants.ts';
import { UsageError } from './errors.ts';

/**
 * The AMT a command signs with, found as `npm start` finds it (`findAmt`: `--amt`,
 * `$SMARTCAR_AMT`, `.env`, then the development token the first `npm start` kept), or a
 * {@link UsageError} saying where to put one. Send, smoke and replay all use this.
 *
 * @example
 * ```ts
 * const { amt } = requireAmt({ explicit: values.amt, envFile: values.dotenv });
 * ```
 */
export function requireAmt(lookup: AmtLookup): FoundAmt {
  const found = findAmt(lookup);
  if (found) return found;
  throw new UsageError(
    `No AMT: pass --amt, set ${AMT_ENV}, put ${AMT_ENV}=... in ${lookup.envFile ?? LOCAL_ENV_FILE}, ` +
      `or run npm start once (it keeps a development token in ${localAmtFile(lookup.env)})`,
  );
}

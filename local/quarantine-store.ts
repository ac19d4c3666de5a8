/**
 * The local pipeline's quarantine store (`docs/quarantine.md`). It lives in `local/api/` because
 * the commands (`npm run quarantine -- --local`) read it too, and they import only that folder.
 */
export { LocalQuarantineStore, type QuarantineEntry } from './api/quarantine-store.ts';

/**
 * Epoch milliseconds from a Smartcar timestamp: a number (epoch ms, what Smartcar sends in most
 * places), a numeric string, or an ISO-8601 string (`meta.deliveredAt` of some VERIFY examples).
 * `undefined` for anything else, so a caller can tell "absent or unreadable" from a time.
 *
 * The one parser for these timestamps: the receiver's delivery-age check and the processor's
 * event parser both use it, so they never disagree about what a `deliveredAt` means.
 *
 * @example
 * ```ts
 * epochMs(1731940331000); // 1731940331000
 * epochMs('2025-07-31T19:38:42.332Z'); // 1753990722332
 * epochMs('yesterday'); // undefined
 * ```
 */
export function epochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

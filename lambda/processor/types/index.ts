// The processor's types by concern. The handler API (events, HandlerContext, EventHandler) is
// in ../handlers/types.ts; it is re-exported here so wiring code has one import.
export type * from '../handlers/types.ts';
export type * from '../signals/types.ts';
export type * from './events.ts';
export type * from './idempotency.ts';
export type * from './processor.ts';
export type * from './stores.ts';

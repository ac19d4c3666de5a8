// Smartcar's signal catalogue in the handler API: the documented body of every signal as a type
// (`SignalBody<C>`), the run-time shape check, and unit conversions. The descriptions and
// examples (./catalogue.ts) are imported directly by what needs them, so the Lambda bundle never
// carries them.

export { SIGNALS_REFERENCE_URL } from '../constants.ts';
export { matchesShape, shapeMismatches, signalLookup, storedSignalLookup } from './access.ts';
export { SIGNAL_SHAPES } from './shapes.ts';
export type * from './types.ts';
export * from './units.ts';

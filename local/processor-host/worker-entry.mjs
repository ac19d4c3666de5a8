// Entry of a processor worker thread. Plain JavaScript for the reason the emulator host's entry
// gives (no TypeScript loader in a worker otherwise). Each worker loads the processor's modules
// afresh: replacing the worker is how `npm start` reloads edited handlers.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

// Entry of the emulator host thread. Plain JavaScript because a worker thread gets no TypeScript
// loader from vitest (which transforms in process) and none we can rely on from tsx; registering
// tsx here lets the host reuse the same .ts emulator code the tests start in process.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

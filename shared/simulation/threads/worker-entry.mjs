// The worker thread's entry where the replay runs from source: registers tsx's TypeScript loader in
// this thread (a parent's --import does not reach a worker under every runner), then loads the worker.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);

// From source the repository runs without a build step: register tsx's loader in this worker
// thread, then load the TypeScript worker (experiment.ts picks this file only for .ts sources).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

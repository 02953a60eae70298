// Worker entry: loads the TypeScript engine worker through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('./engine-worker.ts');

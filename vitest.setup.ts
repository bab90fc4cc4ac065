import { expect } from 'vitest';
import { allCloseMatchers } from './packages/crosscheck/src/matchers.ts';

expect.extend(allCloseMatchers);

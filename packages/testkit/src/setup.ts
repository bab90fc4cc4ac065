/** The vitest setup every test project runs (vitest.config.ts): registers `toBeAllClose`. */
import { expect } from 'vitest';
import { allCloseMatchers } from './matchers.ts';

expect.extend(allCloseMatchers);

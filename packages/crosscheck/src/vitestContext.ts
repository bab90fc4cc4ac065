/**
 * Which vitest test is running, so that a replay line names the user's own test file and test
 * rather than a placeholder. vitest is an optional peer: it is imported only under vitest
 * (`process.env.VITEST`), once, when this module loads, and its `expect.getState()` is read
 * when a property fails (inside the test, long after the import has settled). Outside vitest,
 * or if the import fails, there is no current test and callers fall back to what they were told.
 */
interface TestState {
  testPath?: string | undefined;
  currentTestName?: string | undefined;
}

let readState: (() => TestState) | undefined;

const loading: Promise<void> = process.env.VITEST
  ? import('vitest').then(
      (vitest) => {
        readState = () => vitest.expect.getState();
      },
      () => undefined,
    )
  : Promise.resolve();

/** Settles once vitest (if running) has been looked up; async callers await it before reading. */
export function vitestContextReady(): Promise<void> {
  return loading;
}

export interface CurrentTest {
  /** Absolute path of the test file. */
  file: string;
  /** The names from the outermost `describe` to the test: what `vitest -t` matches, joined by spaces. */
  names: string[];
}

/** The vitest test running now, or undefined (not under vitest, or between tests). */
export function currentVitestTest(): CurrentTest | undefined {
  const state = readState?.();
  if (!state?.testPath || !state.currentTestName) return undefined;
  return { file: state.testPath, names: state.currentTestName.split(' > ') };
}

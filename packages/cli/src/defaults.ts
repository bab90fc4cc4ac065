/** The built-in default case: a tanh 4-8-3 network trained on standardised Iris. */
import { fileURLToPath } from 'node:url';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../assets/iris-default.model.json', import.meta.url));
export const DEFAULT_DATA_PATH = fileURLToPath(new URL('../assets/iris-default.data.json', import.meta.url));
export const DEFAULT_CASE_NAME = 'bundled Iris 4-8-3 tanh network (packages/cli/assets/iris-default.*.json)';

import { OptionError, describeValue } from '../errors.js';
import { activeKernels, hasBackend, listBackends, registerBackend, selectBackend } from './backend.js';
import { jsKernels } from './js/conv-im2col.js';
import { referenceKernels } from './reference/conv-reference.js';

registerBackend(referenceKernels);
registerBackend(jsKernels);
selectBackend('js');

/**
 * Chooses the kernels every op dispatches to: `'js'` (default, pure JavaScript) or `'reference'` (plain loops,
 * for checking). Results agree to float32 rounding whichever is chosen.
 *
 * @example setBackend('reference');
 */
export function setBackend(name: string): void {
  if (!hasBackend(name)) {
    throw new OptionError('setBackend', 'name', `backend ${describeValue(name)} is not one of ${listBackends().map((b) => `"${b}"`).join(', ')}`);
  }
  selectBackend(name);
}

/** Name of the backend in use. @example getBackend() // 'js' */
export function getBackend(): string {
  return activeKernels().name;
}

/** Resolves when the chosen backend is ready to run (immediately for the JS backends). @example await ready(); */
export async function ready(): Promise<void> {
  activeKernels();
}

export { listBackends };

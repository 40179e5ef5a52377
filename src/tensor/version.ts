/**
 * Version counters for arrays that change in place, as PyTorch's tensor `_version`: whatever updates a tracked
 * array in place (an optimizer step, `loadStateDict`) bumps its version, so a cache built from the array (packed
 * weight panels) knows in O(1) whether it is still current instead of comparing the data. Arrays nobody tracks
 * have no version; caches compare those as before.
 */

const versions = new WeakMap<Float32Array, number>();

/**
 * Starts tracking `data` (a module's parameter) at version 0; an array already tracked keeps its version.
 *
 * @example trackVersion(weight.data); versionOf(weight.data) // 0
 */
export function trackVersion(data: Float32Array): void {
  if (!versions.has(data)) versions.set(data, 0);
}

/**
 * Records an in-place change of `data` (call it after writing into a parameter's array by hand).
 *
 * @example weight.data.fill(0); markUpdated(weight.data);
 */
export function markUpdated(data: Float32Array): void {
  const version = versions.get(data);
  if (version !== undefined) versions.set(data, version + 1);
}

/** The version of a tracked array (bumped by every in-place update), or undefined for an untracked one. */
export function versionOf(data: Float32Array): number | undefined {
  return versions.get(data);
}

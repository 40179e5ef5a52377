export { Variable, variable, asVariable, record, noGrad, isGradEnabled, type GradFunction, type VariableLike } from './variable.js';
export { backward, grad } from './backward.js';
export { checkGradients, type GradCheckOptions, type GradCheckResult } from './gradcheck.js';
export * as functional from './functional.js';

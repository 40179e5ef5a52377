/** The runnable exercises, in the tutorial's order (`npm run example -- <name>`). */
import { aspp } from './aspp.js';
import { audio } from './audio.js';
import { gridding } from './gridding.js';
import type { Example } from './lib/example.js';
import { pooling } from './pooling.js';
import { segmentation } from './segmentation.js';

export const EXAMPLES: readonly Example[] = [audio, segmentation, aspp, gridding, pooling];

import { AtrousError } from '../../errors.js';

/**
 * A model that cannot stream (a layer that reads the future, changes the sample rate, or that the streamer does not
 * know), or a signal a stream cannot take (NaN or infinite samples). `argument` names the layer (its dotted path
 * in the model) or the argument.
 *
 * @example
 * try { stream(new Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'same' })); }
 * catch (e) { if (e instanceof StreamError) console.log(e.argument); } // 'model'
 */
export class StreamError extends AtrousError {}

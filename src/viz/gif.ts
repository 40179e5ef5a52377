/**
 * Animated GIFs through `gifenc` (a maintained, dependency-free encoder). Each frame is an SVG document rasterized
 * by resvg, so animations share the figures' drawing code, fonts and colours. All frames share one palette (chosen
 * from a sample of frames spread over the animation), and a
 * frame stores only the pixels that changed since the previous one (the rest transparent over the kept frame):
 * an animation where one cell changes per frame costs little more than its first frame.
 */
import gifenc from 'gifenc';
import { OptionError } from '../errors.js';
import { svgToRgba, type RgbaImage } from './raster.js';

/** One frame of an animation and how long it stays on screen. */
export interface AnimationFrame {
  svg: string;
  /** Milliseconds (GIF stores hundredths of a second). */
  delay: number;
}

/** Frames whose pixels choose the shared palette (spread evenly over the animation; bounds memory). */
const PALETTE_SAMPLE_FRAMES = 8;
/** Palette entries for colours; the last index of the 256 marks "unchanged" (transparent). */
const COLOURS = 255;
const UNCHANGED = 255;
/** GIF disposal method 1: keep the frame on screen and draw the next one over it. */
const KEEP_PREVIOUS = 1;

/**
 * Encodes frames (all the same size) as a GIF that loops forever.
 *
 * @example writeFileSync('slide.gif', encodeGif(slidingKernelFrames({ inSize: [5, 5], kernel: [3, 3], dilation: 2, padding: 1 })))
 */
export function encodeGif(frames: readonly AnimationFrame[]): Uint8Array {
  if (frames.length === 0) throw new OptionError('encodeGif', 'frames', 'an animation needs at least one frame');
  const images = frames.map((f) => svgToRgba(f.svg));
  const [{ width, height }] = images;
  images.forEach((image, i) => {
    if (image.width !== width || image.height !== height) {
      throw new OptionError('encodeGif', 'frames', `frame ${i} is ${image.width}×${image.height} but frame 0 is ${width}×${height}; every frame must have the same size`);
    }
  });
  const step = Math.max(1, Math.ceil(images.length / PALETTE_SAMPLE_FRAMES));
  const sample = images.filter((_, i) => i % step === 0 || i === images.length - 1);
  const palette = gifenc.quantize(concatenate(sample), COLOURS);
  while (palette.length < 256) palette.push([0, 0, 0]);
  const encoder = gifenc.GIFEncoder();
  let previous: Uint8Array | undefined;
  images.forEach((image, i) => {
    const index = gifenc.applyPalette(image.pixels, palette);
    const delta = previous ? index.map((v, p) => (v === previous![p] ? UNCHANGED : v)) : index;
    encoder.writeFrame(delta, width, height, {
      palette: i === 0 ? palette : undefined, delay: frames[i].delay, repeat: 0,
      transparent: i > 0, transparentIndex: UNCHANGED, dispose: KEEP_PREVIOUS,
    });
    previous = index;
  });
  encoder.finish();
  return encoder.bytes();
}

function concatenate(images: readonly RgbaImage[]): Uint8Array {
  const all = new Uint8Array(images.reduce((n, image) => n + image.pixels.length, 0));
  let offset = 0;
  for (const image of images) {
    all.set(image.pixels, offset);
    offset += image.pixels.length;
  }
  return all;
}

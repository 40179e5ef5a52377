/**
 * The gridding panel: two stacks of positive 3×3 filters (the library's `activationProbe`, the same probe
 * `npm run example -- gridding` runs) on a probe image, their activation maps side by side, with the two numbers
 * that measure gridding. A stack whose coverage has holes breaks its activations into lattices.
 */
import { AtrousError, activationProbe, imagePanelsFigure, type ProbeImageKind } from '../src/browser.js';
import { byId, InputError, parseList, plainMessage } from './dom.js';

const SIZE = 48;
const IMAGE_NAMES: Record<ProbeImageKind, string> = { impulse: 'one bright pixel', lines: 'lines and dots', noise: 'white noise' };

function redraw(): void {
  const error = byId<HTMLParagraphElement>('gridding-error');
  try {
    const stacks = ['gridding-a', 'gridding-b'].map((id, i) => parseList(byId<HTMLInputElement>(id).value, `dilations of stack ${i + 1}`, 1));
    const image = byId<HTMLSelectElement>('gridding-image').value as ProbeImageKind;
    const probes = stacks.map((dilations) => activationProbe({ dilations, image, size: SIZE }));
    const noise = stacks.map((dilations) => activationProbe({ dilations, image: 'noise', size: SIZE }).neighbourCorrelation);
    byId('gridding-figure').innerHTML = imagePanelsFigure({
      title: 'Activation maps of two stacks',
      subtitle: 'positive 3×3 filters (the same draw for both) and ReLU',
      columns: ['input', ...stacks.map((d) => `dilations ${d.join(',')}`)],
      rows: [{ label: IMAGE_NAMES[image], panels: [probes[0].input, ...probes.map((p) => p.activation)].map((t) => ({ values: t.data, width: SIZE, height: SIZE })) }],
      panelSize: 150,
    });
    stacks.forEach((d, i) => {
      byId(`gridding-corr-${i}`).textContent = noise[i].toFixed(2);
      byId(`gridding-label-${i}`).textContent = `Neighbour correlation on noise, ${d.join(',')}`;
    });
    error.hidden = true;
  } catch (e) {
    if (!(e instanceof InputError || e instanceof AtrousError)) throw e;
    error.textContent = plainMessage(e.message);
    error.hidden = false;
  }
}

/** Wires the panel's form and draws the default comparison (2,2,2 against 1,2,5 on a bright pixel). */
export function startGriddingPanel(): void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  byId('gridding-form').addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(redraw, 300);
  });
  byId('gridding-form').addEventListener('submit', (event) => event.preventDefault());
  redraw();
}

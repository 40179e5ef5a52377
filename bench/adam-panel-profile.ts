/**
 * Where an Adam training step spends its time in the packed-weight cache, for `node --cpu-prof`:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/adam-panel-profile.js tracked   # module parameters
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/adam-panel-profile.js untracked # same weights, no versions
 *   node dist/bench/adam-panel-profile.js --summarize /tmp/prof/<file>.cpuprofile
 *
 * The model is a dilated 1-D stack (256 channels, kernel 3, dilations 1…32) whose first four layers are
 * frozen, trained with Adam on the WASM backend. `tracked` uses the layers' own parameters, whose version counters
 * let the cache skip unchanged (frozen) weights in O(1) and pack changed ones once per layout; `untracked` trains copies of the
 * same weights (arrays no module registered), which the cache can only compare word by word (`sameBits`) and snapshot.
 */
import { readFileSync } from 'node:fs';
import { Adam, Conv1d, Random, backward, functional as F, randn, ready, variable, type Variable } from '../src/index.js';

const STEPS = 40;

function summarize(path: string): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string } }[]; samples: number[]; timeDeltas: number[] };
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName || '(anonymous)']));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] / 1000;
    total += dt;
    self.set(names.get(id)!, (self.get(names.get(id)!) ?? 0) + dt);
  });
  for (const name of ['packPanels', 'sameBits', 'cachedPanels']) {
    const ms = self.get(name) ?? 0;
    console.log(`${name.padEnd(14)} self ${ms.toFixed(1).padStart(8)} ms  ${(100 * ms / total).toFixed(2).padStart(6)}% of ${total.toFixed(0)} ms`);
  }
}

async function train(mode: 'tracked' | 'untracked'): Promise<void> {
  await ready();
  const random = new Random(0);
  const dilations = [1, 2, 4, 8, 16, 32];
  const layers = dilations.map((d) => new Conv1d({ inChannels: 256, outChannels: 256, kernelSize: 3, dilation: d, padding: 'causal', random }));
  const frozen = 4;
  const weights: Variable[] = layers.map((l, i) => (mode === 'tracked' ? l.weight : variable(l.weight.value.clone(), { requiresGrad: i >= frozen })));
  layers.forEach((l, i) => { if (i < frozen) l.weight.requiresGrad = false; });
  const trainable = weights.filter((_, i) => i >= frozen);
  const optimizer = new Adam(trainable, { lr: 1e-3 });
  const x = randn([1, 256, 128], 1), target = randn([1, 256, 128], 2);
  const start = performance.now();
  for (let step = 0; step < STEPS; step++) {
    optimizer.zeroGrad();
    let h: Variable = variable(x);
    weights.forEach((w, i) => { h = F.relu(F.conv(h, w, { dilation: dilations[i], padding: 'causal' })); });
    backward(F.mseLoss(h, target));
    optimizer.step();
  }
  console.log(`${mode}: ${((performance.now() - start) / STEPS).toFixed(1)} ms/step over ${STEPS} Adam steps`);
}

const args = process.argv.slice(2);
if (args[0] === '--summarize') summarize(args[1]);
else await train(args[0] === 'untracked' ? 'untracked' : 'tracked');

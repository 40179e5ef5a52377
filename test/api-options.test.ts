/**
 * The API walk: every public entry of `atrous` that takes an options object refuses a key it does not know.
 *
 * Entries are found from the built code itself: every exported function, class constructor (inherited ones
 * included), static and prototype method, and every function of the `functional` namespace, whose parameter is
 * named `options`/`opts`/`…Options` or is destructured (`{ … }`). Each is called with an unknown key and must throw
 * an `OptionError` naming that key — before it looks at any other argument, so the walk needs no valid inputs.
 * A new options-taking export is walked automatically; the list below must name it too, so the walk also fails if
 * the discovery itself stops finding entries.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as atrous from '../src/index.js';

/** Every options-taking entry the walk finds: `name`, `Class#method` or `Class.staticMethod`, and the argument index. */
const OPTION_ENTRIES = `
ASPP 0, Adam 1, AdamW 1, AvgPool1d 0, AvgPool2d 0, AvgPool3d 0, AvgPoolNd 0, BasicBlock 0, BatchNorm1d 0, BatchNorm2d
0, BatchNorm3d 0, BatchNormNd 1, Bottleneck 0, ContextModule 0, Conv1d 0, Conv2d 0, Conv3d 0, ConvNd 1,
ConvTranspose1d 0, ConvTranspose2d 0, ConvTranspose3d 0, ConvTransposeNd 1, CosineAnnealingLR 1, DataLoader 1,
DilatedCausalConv1d 0, GraphBuilder 0, GraphBuilder#conv 1, GraphBuilder#convTranspose 1, GraphBuilder#global 2,
GraphBuilder#maxUnpool 1, GraphBuilder#merge 3, GraphBuilder#pool 2, GraphBuilder#slice 1, GraphBuilder#upsample 1,
GroupNorm 2, LambdaLR 1, LayerNorm 1, Linear 0, LinearLR 1, MaxPool1d 0, MaxPool2d 0, MaxPool3d 0, MaxPoolNd 0,
Module#loadStateDict 1, OneCycleLR 1, Optimizer#zeroGrad 0, ReduceLROnPlateau 1, ResNet 0, SGD 1, SequentialLR 1,
StepLR 1, StreamBlockProcessor 0, TCN 0, TemporalBlock 0, Upsample 0, WaveNet 0, WeightNormConv1d 0, activationProbe
0, avgPool 1, avgPoolBackward 2, batchNorm 1, batchNormBackward 2, checkGradients 2, compareDilatedToStandard 0, conv
2, convBackward 3, convParameterCount 0, convStack 0, convTranspose 2, convTransposeBackward 3, costBarsFigure 0,
coverage 1, coverageHeatmapFigure 0, coverageMap 1, crossEntropy 2, crossEntropyBackward 3, designSchedules 0,
dilatedResNet 2, dilationGrowthFrames 0, effectiveKernelFigure 0, effectiveReceptiveField 0, erfHeatmapFigure 0,
exportOnnx 2, fit 0, formatRows 1, functional.avgPool 1, functional.batchNorm 1, functional.conv 2,
functional.convTranspose 2, functional.crossEntropy 2, functional.groupNorm 2, functional.interpolate 1,
functional.layerNorm 2, functional.maxPool 1, functional.mean 1, functional.mseLoss 2, functional.pad 2,
functional.sum 1, generate 1, graphEffectiveReceptiveField 1, groupNorm 2, groupNormBackward 3, imagePanelsFigure 0,
layerNorm 2, layerNormBackward 3, lineChart 0, loadCheckpoint 1, loadOnnx 1, maxPool 1, maxPoolBackward 2, mean 1,
meanBackward 2, mseLoss 2, mseLossBackward 3, pad 2, parseOnnx 1, receptiveFieldGrowthFigure 0, resize 1,
resizeBackward 2, saveCheckpoint 0, signalTracesFigure 0, slidingKernelFrames 0, stackGrowthFrames 0, stream 1,
streamWorkletOptions 1, sum 1, sumBackward 2, svgToPdf 1, traceReceptiveField 3, variable 1, writeWav 1
`.split(',').map((s) => s.trim().replace(/\s+/g, ' ')).filter(Boolean).sort();

/**
 * Options-taking exports that do not check keys themselves, and why. Geometry is the layer under the ops: it is
 * handed the op's or layer's own (already checked) options object, which carries more than geometry (`bias`,
 * `inChannels`...), and reads only the geometry keys.
 */
const EXEMPT = new Set(['checkOptionKeys 1', 'computeConvGeometry 3', 'computeConvTransposeGeometry 3']);

/** Instances for walking prototype methods of classes that cannot be built from nothing. */
const INSTANCES: Record<string, () => object> = {
  GraphBuilder: () => new atrous.GraphBuilder({ rank: 1 }),
  Module: () => new atrous.Linear({ inFeatures: 1, outFeatures: 1 }),
  Optimizer: () => new atrous.SGD([atrous.variable(atrous.tensor([0]), { requiresGrad: true })], { lr: 0.1 }),
};

const UNKNOWN = 'zzNotAnOption';

type AnyFunction = (...args: unknown[]) => unknown;

/** The source text of a function's parameter list, following a class without its own constructor to its parent. */
function parameterList(fn: AnyFunction): string | null {
  let source = Function.prototype.toString.call(fn);
  if (/^class\b/.test(source)) {
    const ctor = /\bconstructor\s*\(/.exec(source);
    if (!ctor) {
      const parent = Object.getPrototypeOf(fn) as AnyFunction;
      return parent === Function.prototype ? null : parameterList(parent);
    }
    source = source.slice(ctor.index + ctor[0].length - 1);
  } else {
    const open = source.indexOf('(');
    if (open < 0) return null;
    source = source.slice(open);
  }
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    if ('([{'.includes(source[i])) depth++;
    else if (')]}'.includes(source[i]) && --depth === 0) return source.slice(1, i);
  }
  return null;
}

/** Top-level comma-separated parameters. */
function splitParameters(list: string): string[] {
  const out: string[] = [];
  let depth = 0, current = '';
  for (const c of list) {
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) { out.push(current.trim()); current = ''; } else current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function optionIndices(fn: AnyFunction): number[] {
  const list = parameterList(fn);
  if (list === null) return [];
  return splitParameters(list).flatMap((p, i) => (/^(options|opts|\w*Options)\b/.test(p) || p.startsWith('{') ? [i] : []));
}

interface Entry { label: string; index: number; call: (args: unknown[]) => unknown }

function isClass(fn: AnyFunction): boolean { return /^class\b/.test(Function.prototype.toString.call(fn)); }

function walk(): Entry[] {
  const entries: Entry[] = [];
  const visitFunction = (label: string, fn: AnyFunction, call: (args: unknown[]) => unknown): void => {
    for (const index of optionIndices(fn)) entries.push({ label, index, call });
  };
  const namespaces: [string, Record<string, unknown>][] = [['', atrous as Record<string, unknown>], ['functional.', atrous.functional as Record<string, unknown>]];
  for (const [prefix, namespace] of namespaces) {
    for (const [name, value] of Object.entries(namespace)) {
      if (typeof value !== 'function') continue;
      const fn = value as AnyFunction;
      if (!isClass(fn)) { visitFunction(prefix + name, fn, (args) => fn(...args)); continue; }
      const Class = fn as unknown as new (...args: unknown[]) => object;
      visitFunction(prefix + name, fn, (args) => new Class(...args));
      for (const key of Object.getOwnPropertyNames(Class)) {
        const member = Object.getOwnPropertyDescriptor(Class, key)?.value;
        if (typeof member === 'function' && !isClass(member)) visitFunction(`${name}.${key}`, member, (args) => member.apply(Class, args));
      }
      for (const key of Object.getOwnPropertyNames(Class.prototype)) {
        const member = key === 'constructor' ? undefined : Object.getOwnPropertyDescriptor(Class.prototype, key)?.value;
        if (typeof member !== 'function') continue;
        visitFunction(`${name}#${key}`, member, (args) => {
          const make = INSTANCES[name];
          assert.ok(make, `${name}#${key} takes options: add a way to build a ${name} to INSTANCES`);
          return member.apply(make(), args);
        });
      }
    }
  }
  return entries;
}

describe('every public entry refuses unknown option keys', () => {
  const entries = walk();
  const found = entries.map((e) => `${e.label} ${e.index}`);

  it('finds exactly the listed options-taking entries (add a new one to OPTION_ENTRIES once it checks its keys)', () => {
    assert.deepEqual(found.filter((f) => !EXEMPT.has(f)).sort(), OPTION_ENTRIES);
    for (const exempt of EXEMPT) assert.ok(found.includes(exempt), `${exempt} is exempt but no longer found`);
  });

  for (const entry of entries) {
    const label = `${entry.label} ${entry.index}`;
    if (EXEMPT.has(label)) continue;
    it(`${entry.label} (argument ${entry.index}) throws OptionError naming an unknown key`, () => {
      const args: unknown[] = Array(entry.index + 1).fill(undefined);
      args[entry.index] = { [UNKNOWN]: 1 };
      assert.throws(() => entry.call(args), (e: unknown) => {
        assert.ok(e instanceof atrous.OptionError, `${label}: expected an OptionError, got ${String(e)}`);
        assert.equal(e.argument, UNKNOWN);
        assert.match(e.message, /unknown option "zzNotAnOption"; valid options: /);
        return true;
      });
    });
  }

  it('suggests the key a user most likely meant', () => {
    assert.throws(() => new atrous.Adam([], { learningRate: 0.1 } as never), /Adam: unknown option "learningRate" \(did you mean "lr"\?\)/);
    assert.throws(() => new atrous.Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, dilations: 4 } as never), /Conv1d: unknown option "dilations" \(did you mean "dilation"\?\)/);
  });
});

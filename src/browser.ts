/**
 * atrous for the browser: everything of the Node entry (`atrous`) that runs without Node built-ins — tensors,
 * geometry, ops and their gradients, kernels (the WASM backend is fetched by `await ready()`), autograd, nn,
 * analysis, ASCII and SVG pictures, animation frames (SVG), `.npy`/safetensors and ONNX from bytes in memory. Left
 * out, because they read files or load native code: `svgToPng`/`svgToRgba`/`findFontFiles`/`FONT_INSTALL_HINT` and
 * `encodeGif` (resvg and system fonts; show the SVG in the page instead, frame by frame for an animation) and
 * `loadOnnxFile`/`externalDataFromDirectory` (fetch the bytes and call `loadOnnx`). No module reachable from here
 * imports `node:*` statically.
 *
 * The bundle `dist/web/atrous.js` (built by `npm run build`) carries the WASM builds beside it; they are found
 * through `import.meta.url`, so serve the folder as it is.
 *
 * @example
 * import { ready, getBackend, randn, conv } from 'atrous/browser';
 * await ready();
 * const y = conv(randn([1, 8, 32, 32], 1), randn([8, 8, 3, 3], 2), { dilation: 2, padding: 2 });
 * console.log(getBackend(), y.shape); // 'wasm' [1, 8, 32, 32]
 */
export { checkOptionKeys, closestKey, optionKeys } from './options.js';
export * from './errors.js';
export * from './tensor/index.js';
export * from './geometry/index.js';
export { setBackend, getBackend, ready, listBackends, setThreads, getThreads, wasmBuild } from './kernels/index.js';
export { KernelError } from './kernels/kernel-error.js';
export { conv, type ConvOptions } from './ops/conv.js';
export { convBackward, type ConvBackwardOptions, type ConvGradients } from './ops/conv-backward.js';
export { convTranspose, convTransposeBackward, type ConvTransposeOptions, type ConvTransposeBackwardOptions } from './ops/conv-transpose.js';
export { pad, padBackward, type PadOptions } from './ops/pad.js';
export { broadcastShapes, broadcastTo, sumToShape } from './ops/broadcast.js';
export { add, sub, mul, div, addBackward, subBackward, mulBackward, divBackward, type Operand, type BinaryGradients } from './ops/elementwise.js';
export { relu, reluBackward, leakyRelu, leakyReluBackward, tanh, tanhBackward, sigmoid, sigmoidBackward, gelu, geluBackward, erf } from './ops/activations.js';
export { matmul, matmulBackward, linear, linearBackward } from './ops/matmul.js';
export { sum, sumBackward, mean, meanBackward, type ReduceOptions } from './ops/reduce.js';
export { softmax, softmaxBackward, logSoftmax, logSoftmaxBackward } from './ops/softmax.js';
export { mseLoss, mseLossBackward, crossEntropy, crossEntropyBackward, type Reduction, type MseLossOptions, type CrossEntropyOptions } from './ops/loss.js';
export { batchNorm, batchNormBackward, type BatchNormOptions, type BatchNormGradients } from './ops/batch-norm.js';
export { concat, split } from './ops/concat.js';
export { slice, sliceBackward, type SliceSpec } from './ops/slice.js';
export { transpose, transposeBackward } from './ops/transpose.js';
export { dropout, dropoutMask } from './ops/dropout.js';
export * from './analysis/index.js';
export * from './autograd/index.js';
export * from './nn/index.js';
export { weightNorm, weightNormBackward, channelNorms } from './ops/weight-norm.js';
export { formatRows, type FormatRowsOptions } from './viz/ascii/labelled-rows.js';
export { kernelGrid, kernelGridPanel, KERNEL_GRID_LEGEND } from './viz/ascii/kernel-grid.js';
export { coverageMap, coverageShade, COVERAGE_HOLE, COVERAGE_SHADES, type CoverageMapOptions } from './viz/ascii/coverage-map.js';
export { lineChart, type LineChartOptions, type LineSeries } from './viz/figures/line-chart.js';
export { effectiveKernelFigure, type EffectiveKernelFigureOptions } from './viz/figures/effective-kernel.js';
export { receptiveFieldGrowthFigure, type ReceptiveFieldGrowthOptions, type ReceptiveFieldSeries } from './viz/figures/rf-growth.js';
export { coverageHeatmapFigure, MAX_COVERAGE_SIDE, type CoverageHeatmapOptions } from './viz/figures/coverage-heatmap.js';
export { erfHeatmapFigure, type ErfHeatmapOptions, type MassBox } from './viz/figures/erf-heatmap.js';
export { costBarsFigure, type CostBarsOptions, type CostItem } from './viz/figures/cost-bars.js';
export { imagePanelsFigure, type ImagePanel, type ImagePanelsOptions } from './viz/figures/image-panels.js';
export { signalTracesFigure, type SignalTracesOptions } from './viz/figures/signal-traces.js';
export { slidingKernelFrames, type SlidingKernelOptions } from './viz/animations/sliding-kernel.js';
export { dilationGrowthFrames, type DilationGrowthOptions } from './viz/animations/dilation-growth.js';
export { stackGrowthFrames, type StackGrowthOptions, type StackLayerCoverage } from './viz/animations/stack-growth.js';
export type { AnimationFrame } from './viz/gif.js';
export { OKABE_ITO, SERIES_COLOURS, viridis, pathCountColour, pathCountKey, PATH_COUNT_CLASSES } from './viz/palette.js';
export { styleFigure, type FigureStyle } from './viz/style.js';
export { readSafetensors, readSafetensorsHeader, writeSafetensors, type SafetensorsEntry, type SafetensorsHeader } from './tensor/safetensors.js';
export { loadOnnx, OnnxModel } from './onnx/model.js';
export { parseOnnx, type OnnxGraph, type OnnxNode, type OnnxValueDescription, type ParseOptions as OnnxParseOptions } from './onnx/onnx-graph.js';
export { planGraph, type Plan as OnnxPlan, type PlannedStep as OnnxPlannedStep } from './onnx/plan.js';
export { onnxAnalysisGraph, type OnnxAnalysisGraph } from './onnx/analysis-graph.js';
export { OPERATORS as ONNX_OPERATORS } from './onnx/operators/index.js';
export { MIN_OPSET as ONNX_MIN_OPSET, MAX_OPSET as ONNX_MAX_OPSET } from './onnx/decode-model.js';
export type { OnnxValue, ElementType as OnnxElementType } from './onnx/value.js';
export type { ExternalDataReader } from './onnx/tensor-data.js';
export { exportOnnx, type ExportOptions as OnnxExportOptions } from './onnx/export/export-module.js';
export { maxPool, maxPoolBackward, avgPool, avgPoolBackward, type PoolOptions } from './ops/pool.js';
export { resize, resizeBackward, type ResizeOptions, type CoordinateMode, type NearestMode } from './ops/resize.js';
export { adaptiveAvgPool, adaptiveAvgPoolBackward } from './ops/adaptive-pool.js';
export { layerNorm, layerNormBackward, groupNorm, groupNormBackward, type NormalizationOptions, type NormalizationGradients } from './ops/normalization.js';

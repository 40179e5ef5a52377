export { loadOnnx, OnnxModel } from './model.js';
export { loadOnnxFile, externalDataFromDirectory } from './load-file.js';
export { parseOnnx, type OnnxGraph, type OnnxNode, type OnnxValueDescription, type ParseOptions as OnnxParseOptions } from './onnx-graph.js';
export { planGraph, type Plan as OnnxPlan, type PlannedStep as OnnxPlannedStep } from './plan.js';
export { onnxAnalysisGraph, type OnnxAnalysisGraph } from './analysis-graph.js';
export { OPERATORS as ONNX_OPERATORS } from './operators/index.js';
export { MIN_OPSET as ONNX_MIN_OPSET, MAX_OPSET as ONNX_MAX_OPSET } from './decode-model.js';
export type { OnnxValue, ElementType as OnnxElementType } from './value.js';
export type { ExternalDataReader } from './tensor-data.js';

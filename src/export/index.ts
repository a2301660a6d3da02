/** ONNX export of trained models and the ONNX Runtime scoring backend. */
export { exportRun, runToOnnx, ONNX_METADATA_KEYS } from './export-run.js';
export type { ExportOptions, ExportResult } from './export-run.js';
export { modelToOnnxGraph, registerOnnxExporter, findOnnxExporter } from './models.js';
export type { OnnxExporter } from './models.js';
export { OnnxGraph, OPSET_VERSION, IR_VERSION } from '../onnx/graph.js';
export { encodeModel, ProtoWriter, DataType } from '../onnx/proto.js';
export type { ModelSpec, NodeSpec, TensorSpec, ValueInfoSpec, AttributeValue } from '../onnx/proto.js';
export { OnnxScorer, SCORING_BACKENDS, DEFAULT_BACKEND, parseBackend } from './onnx-scorer.js';
export type { ScoringBackend, OnnxScorerOptions } from './onnx-scorer.js';

/** ONNX export of trained models (the ONNX Runtime scoring backend is in infer/). */
export { exportRun } from './export-run.js';
export type { ExportOptions, ExportResult } from './export-run.js';
export { runToOnnx, ONNX_METADATA_KEYS } from '../infer/run-onnx.js';
export { modelToOnnxGraph, registerOnnxExporter, findOnnxExporter } from '../onnx/models.js';
export type { OnnxExporter } from '../onnx/models.js';
export { OnnxGraph, OPSET_VERSION, IR_VERSION } from '../onnx/graph.js';
export { encodeModel, ProtoWriter, DataType } from '../onnx/proto.js';
export type { ModelSpec, NodeSpec, TensorSpec, ValueInfoSpec, AttributeValue } from '../onnx/proto.js';

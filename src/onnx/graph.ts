import { LensfindError } from '../errors.js';
import {
  DataType,
  encodeModel,
  type AttributeValue,
  type NodeSpec,
  type TensorSpec,
  type ValueInfoSpec,
} from './proto.js';

/** The ONNX operator set the exporter writes (LayerNormalization needs 17); IR version 8 goes with it. */
export const OPSET_VERSION = 17;
export const IR_VERSION = 8;

// Ops whose output has their first input's spatial size (what `mapSize` follows through a CNN).
const SIZE_KEEPING = new Set(['Relu', 'BatchNormalization', 'Add', 'Identity']);

/**
 * Builds an ONNX graph one node at a time: each method adds the node(s) and returns the name of the value it
 * makes, so an exporter reads like the model's forward. Weights are added as float32 initializers.
 * Plain TypeScript on typed arrays: no engine import.
 */
export class OnnxGraph {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  readonly inputs: ValueInfoSpec[] = [];
  readonly outputs: ValueInfoSpec[] = [];
  private readonly used = new Set<string>();
  private counter = 0;
  // The spatial size [H, W] of the 4-D values whose size the exporter knows (from the input's fixed size on).
  private readonly mapSizes = new Map<string, [number, number]>();

  /** The spatial size [H, W] of a 4-D value, where it is known. */
  mapSize(value: string): [number, number] | undefined {
    return this.mapSizes.get(value);
  }

  setMapSize(value: string, hw: [number, number]): void {
    this.mapSizes.set(value, hw);
  }

  /** A fresh value name from `base` (never reused). */
  fresh(base: string): string {
    let name = base.replace(/[^A-Za-z0-9_.:/-]/g, '_');
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  input(name: string, dims: (number | string)[]): string {
    this.used.add(name);
    this.inputs.push({ name, elemType: DataType.FLOAT, dims });
    const [, , h, w] = dims;
    if (dims.length === 4 && typeof h === 'number' && typeof w === 'number') this.setMapSize(name, [h, w]);
    return name;
  }

  output(value: string, name: string, dims: (number | string)[]): void {
    this.node('Identity', [value], {}, name);
    this.outputs.push({ name, elemType: DataType.FLOAT, dims });
  }

  /** A float32 constant (a weight) named after its key. */
  weight(name: string, data: Float32Array, dims: readonly number[]): string {
    const n = this.fresh(name);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (expected !== data.length) {
      throw new LensfindError(
        'E_EXPORT',
        `onnx: weight ${name} has ${data.length} values, expected [${dims.join(', ')}]`,
      );
    }
    this.initializers.push({ name: n, dims: [...dims], dataType: DataType.FLOAT, data });
    return n;
  }

  /** An int64 constant (shapes, axes, indices). */
  ints(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const n = this.fresh(name);
    this.initializers.push({
      name: n,
      dims: [...dims],
      dataType: DataType.INT64,
      data: BigInt64Array.from(values, (v) => BigInt(v)),
    });
    return n;
  }

  scalar(name: string, value: number): string {
    return this.weight(name, Float32Array.of(value), []);
  }

  /** Adds one node; returns its (first) output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    output?: string,
  ): string {
    const out = output ?? this.fresh(`${opType.toLowerCase()}_${this.nodes.length}`);
    this.used.add(out);
    this.nodes.push({ opType, inputs, outputs: [out], name: `${opType}_${this.nodes.length}`, attributes });
    const hw = SIZE_KEEPING.has(opType) ? this.mapSizes.get(inputs[0]) : undefined;
    if (hw) this.mapSizes.set(out, hw);
    return out;
  }

  // ---- layers ---------------------------------------------------------------------------------

  /** y = x Wᵀ + b over the last axis, any rank (weight [out, in] as PyTorch stores it). */
  linear(
    x: string,
    name: string,
    weight: Float32Array,
    shape: [number, number],
    bias?: Float32Array,
  ): string {
    const [out, inp] = shape;
    const t = new Float32Array(weight.length);
    for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) t[i * out + o] = weight[o * inp + i];
    let y = this.node('MatMul', [x, this.weight(`${name}.weight_t`, t, [inp, out])]);
    if (bias) y = this.node('Add', [y, this.weight(`${name}.bias`, bias, [out])]);
    return y;
  }

  /** Gemm for 2-D inputs: y = x Wᵀ + b. */
  gemm(x: string, name: string, weight: Float32Array, shape: [number, number], bias?: Float32Array): string {
    const inputs = [x, this.weight(`${name}.weight`, weight, shape)];
    if (bias) inputs.push(this.weight(`${name}.bias`, bias, [shape[0]]));
    return this.node('Gemm', inputs, { transB: 1 });
  }

  /** exact GELU, 0.5 x (1 + erf(x / √2)) (ONNX Runtime fuses it into one Gelu kernel). */
  gelu(x: string): string {
    const e = this.node('Erf', [this.node('Div', [x, this.scalar('sqrt2', Math.SQRT2)])]);
    const onePlus = this.node('Add', [e, this.scalar('one', 1)]);
    return this.node('Mul', [this.node('Mul', [x, onePlus]), this.scalar('half', 0.5)]);
  }

  /** The serialized model. */
  encode(opts: {
    graphName: string;
    docString?: string;
    metadata: Record<string, string>;
    producerVersion: string;
  }): Uint8Array {
    return encodeModel({
      irVersion: IR_VERSION,
      opsetVersion: OPSET_VERSION,
      producerName: 'lensfind',
      producerVersion: opts.producerVersion,
      docString: opts.docString,
      graphName: opts.graphName,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      metadata: opts.metadata,
    });
  }
}

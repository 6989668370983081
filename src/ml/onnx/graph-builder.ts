/**
 * A small builder for ONNX graphs over the generated protobuf classes of `onnx-proto`: value
 * names are allocated here, nodes are appended in topological order (the order the emitters
 * call `op`), and `encode` serializes a ModelProto. Hand-written because no maintained npm
 * package builds ONNX graphs in TypeScript (onnx-proto is only the message classes).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX element types we use (TensorProto.DataType). */
export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;
export type ElemType = typeof FLOAT | typeof INT32 | typeof INT64;

/** A dimension: a fixed size, or a symbolic name (dynamic: `batch_size`, `sequence_length`). */
export type Dim = number | string;

/** Attribute values, tagged because ONNX distinguishes ints from floats. */
export type Attr = { i: number } | { f: number } | { ints: number[] } | { s: string };

/** The opset the graphs target: 17 has LayerNormalization; IR version 8 goes with it. */
export const OPSET = 17;
const IR_VERSION = 8;

function attribute(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in a) return { name, type: T.INT, i: a.i };
  if ('f' in a) return { name, type: T.FLOAT, f: a.f };
  if ('ints' in a) return { name, type: T.INTS, ints: a.ints };
  return { name, type: T.STRING, s: new TextEncoder().encode(a.s) };
}

function valueInfo(name: string, elemType: ElemType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Little-endian bytes of a typed array (a view, no copy; x86 and ARM are little-endian). */
function bytesOf(data: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  /** Every value name in the graph (ONNX is single-assignment). */
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh value name with a readable stem (`stem_12`). */
  private fresh(stem: string): string {
    let n: string;
    do n = `${stem}_${this.counter++}`;
    while (this.names.has(n));
    this.names.add(n);
    return n;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph ${this.name}: value name ${name} used twice`);
    this.names.add(name);
    return name;
  }

  input(name: string, elemType: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  /** Declare `value` a graph output named `name` (an Identity renames it when they differ). */
  output(value: string, name: string, elemType: ElemType, dims: readonly Dim[]): void {
    if (value !== name) this.op('Identity', [value], {}, name);
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** A constant tensor stored in the graph under `name` (weights). */
  initializer(name: string, data: Float32Array | BigInt64Array, dims: readonly number[]): string {
    return this.addInitializer(this.claim(name), data, dims);
  }

  private addInitializer(name: string, data: Float32Array | BigInt64Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`ONNX graph ${this.name}: initializer ${name} has ${data.length} values for shape [${dims.join(', ')}]`);
    this.initializers.push({ name, dims: [...dims], dataType: data instanceof Float32Array ? FLOAT : INT64, rawData: bytesOf(data) });
    return name;
  }

  /** A float scalar constant. */
  scalar(value: number, stem = 'const'): string {
    return this.addInitializer(this.fresh(stem), Float32Array.of(value), []);
  }

  /** An int64 vector constant (shapes, axes). */
  ints(values: readonly number[], stem = 'ints'): string {
    return this.addInitializer(this.fresh(stem), BigInt64Array.from(values, (v) => BigInt(v)), [values.length]);
  }

  /** An int64 scalar constant (a Gather index). */
  scalarInt(value: number, stem = 'index'): string {
    return this.addInitializer(this.fresh(stem), BigInt64Array.of(BigInt(value)), []);
  }

  /** Append a node; returns its (single) output's name, `out` or a fresh one. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, out?: string, domain?: string): string {
    const output = out !== undefined ? this.claim(out) : this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [output],
      name: `${opType}_${this.nodes.length}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      ...(domain ? { domain } : {}),
    });
    return output;
  }

  /** Serialize as a ModelProto (opset 17, plus any extra domains the nodes use). */
  encode(extraOpsets: Record<string, number> = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'layerfuse',
      opsetImport: [{ domain: '', version: OPSET }, ...Object.entries(extraOpsets).map(([domain, version]) => ({ domain, version }))],
      graph: { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

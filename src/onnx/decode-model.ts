import { OnnxError } from '../errors.js';
import { int64ToNumber, onnxTypes, type ModelProto } from './onnx-proto.js';

const OP = 'loadOnnx';

/** Formats users mistake for ONNX, recognised by their first bytes so the error can say what the file is. */
const FOREIGN_FORMATS: readonly { magic: number[]; at: number; what: string }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], at: 0, what: 'a ZIP archive (a PyTorch .pt/.pth checkpoint or a Keras .keras file?); export it with torch.onnx.export' },
  { magic: [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], at: 0, what: 'a NumPy .npy array, not a model' },
  { magic: [0x89, 0x48, 0x44, 0x46], at: 0, what: 'an HDF5 file (a Keras .h5 model?); convert it with tf2onnx' },
  { magic: [0x89, 0x50, 0x4e, 0x47], at: 0, what: 'a PNG image, not a model' },
  { magic: [0x54, 0x46, 0x4c, 0x33], at: 4, what: 'a TensorFlow Lite flatbuffer; convert it with tf2onnx' },
  { magic: [0x4f, 0x52, 0x54, 0x4d], at: 4, what: 'an ONNX Runtime .ort flatbuffer; atrous reads the .onnx protobuf it was made from' },
  { magic: [0x80], at: 0, what: 'a Python pickle (a legacy PyTorch checkpoint?); export it with torch.onnx.export' },
];

/** ModelProto's field numbers and their protobuf wire types, to check that a file starts like a model. */
const MODEL_FIELDS = new Map<number, number>([
  [1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2],
]);

/** The opsets of the default domain atrous implements (`ai.onnx` 11 to 21). */
export const MIN_OPSET = 11;
export const MAX_OPSET = 21;

/**
 * Decodes the bytes of an `.onnx` file into a `ModelProto`, refusing anything that is not a well-formed model
 * with a typed {@link OnnxError}: an empty or foreign file, a truncated or corrupted protobuf (every length
 * field is checked against the bytes that remain before anything is allocated, by protobufjs's reader), a
 * model without a graph, or an opset outside 11–21.
 *
 * @example const model = decodeModel(readFileSync('resnet18.onnx')); model.graph.node.length
 */
export function decodeModel(bytes: Uint8Array): ModelProto & { opset: number } {
  if (!(bytes instanceof Uint8Array)) {
    throw new OnnxError(OP, 'bytes', `expected the file's bytes as a Uint8Array (e.g. fs.readFileSync(path)), got ${typeof bytes}`);
  }
  if (bytes.length === 0) throw new OnnxError(OP, 'bytes', 'the file is empty (0 bytes); an ONNX model is a protobuf ModelProto');
  checkLeadingField(bytes);
  let model: ModelProto;
  try {
    model = onnxTypes().model.decode(bytes) as unknown as ModelProto;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new OnnxError(OP, 'bytes', `the file (${bytes.length} bytes) is truncated or corrupted: the protobuf decoder stopped with "${detail}"; re-export or re-download the model`);
  }
  const irVersion = int64ToNumber(model.irVersion);
  if (!model.graph) {
    throw new OnnxError(OP, 'graph', `the file decodes as protobuf but holds no graph (ir_version ${irVersion}); it is not an ONNX model or it is cut short`);
  }
  if (irVersion < 3) {
    throw new OnnxError(OP, 'ir_version', `ir_version ${irVersion} predates opset imports (IR 3); re-export the model with a current exporter (opset ${MIN_OPSET}–${MAX_OPSET})`);
  }
  return Object.assign(model, { opset: defaultOpset(model) });
}

function checkLeadingField(bytes: Uint8Array): void {
  for (const format of FOREIGN_FORMATS) {
    if (bytes.length >= format.at + format.magic.length && format.magic.every((b, i) => bytes[format.at + i] === b)) {
      throw new OnnxError(OP, 'bytes', `this is not an ONNX model but ${format.what}`);
    }
  }
  const tag = bytes[0];
  const field = tag >> 3, wire = tag & 7;
  if (tag & 0x80 || MODEL_FIELDS.get(field) !== wire) {
    throw new OnnxError(OP, 'bytes', `the file does not start like an ONNX ModelProto (first byte 0x${tag.toString(16).padStart(2, '0')} is not a ModelProto field tag; an exported model usually starts with 0x08, ir_version)`);
  }
}

function defaultOpset(model: ModelProto): number {
  const imports = model.opsetImport ?? [];
  const entry = imports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!entry) {
    const domains = imports.map((o) => `${o.domain || 'ai.onnx'} ${int64ToNumber(o.version)}`).join(', ') || 'none';
    throw new OnnxError(OP, 'opset_import', `the model imports no version of the default ONNX domain (imports: ${domains}); atrous runs opsets ${MIN_OPSET}–${MAX_OPSET}`);
  }
  const version = int64ToNumber(entry.version);
  if (version < MIN_OPSET || version > MAX_OPSET) {
    throw new OnnxError(OP, 'opset_import', `opset ${version} is outside the supported range ${MIN_OPSET}–${MAX_OPSET}; re-export with opset_version between ${MIN_OPSET} and ${MAX_OPSET} (torch.onnx.export(..., opset_version=17))`);
  }
  return version;
}

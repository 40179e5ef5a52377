/** One convolution of a chain: PyTorch layout, batch 1. */
export interface ConvLayerSpec {
  input: number[];
  weight: number[];
  stride: number[];
  dilation: number[];
  padding: number[];
  groups: number;
}

/** Time `calls` runs of a chain of convolutions (each reading the previous one's output). */
export interface ConvRequest {
  id: number;
  layers: ConvLayerSpec[];
  calls: number;
}

export type ConvReply =
  | { kind: 'ready'; ms: number; backend: string; build: string | null; threads: number; isolated: boolean }
  | { kind: 'progress'; id: number; text: string }
  | { kind: 'done'; id: number; first: number; times: number[]; output: number[] }
  | { kind: 'error'; id: number; message: string };

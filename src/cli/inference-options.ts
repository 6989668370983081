/**
 * The command-line flags that say how tensor nodes use the machine (`--engine`,
 * `--ort-provider`, `--threads`, `--wasm-threads`), shared by `run` and `run-node`. The names are spelled here because the CLI does
 * not import src/ml (src/ml/engine/select.ts checks them again where they are used).
 */
import { UsageError } from './command.js';

export const ENGINES = ['auto', 'onnxruntime', 'tfjs'] as const;
export const ORT_PROVIDERS = ['cpu', 'cuda'] as const;

export const INFERENCE_OPTIONS = {
  engine: { type: 'string', default: 'auto' },
  'ort-provider': { type: 'string', default: 'cpu' },
  threads: { type: 'string' },
  'wasm-threads': { type: 'string' },
} as const;

export const INFERENCE_USAGE = `  --engine E          inference engine: auto | onnxruntime | tfjs (default: auto = onnxruntime where it loads)
  --ort-provider P    ONNX Runtime provider: cpu | cuda (default: cpu; cuda needs the CUDA install, see README)
  --threads N         CPU threads per node for ONNX Runtime (default: cores / jobs, at least 1)
  --wasm-threads T    TF.js WASM threads per node: auto | N (default auto: a training node gets its
                      share of the cores among the nodes that can run when it starts, at most 4;
                      others 1. N: every node N; 1 = the single-threaded build, more the threaded one)`;

export interface InferenceFlags {
  engine: string;
  ortProvider: string;
  threads?: number;
  wasmThreads?: number | 'auto';
}

function positive(flag: string, v: string, what = 'a positive integer'): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} takes ${what}, got '${v}'`);
  return n;
}

/** Checked values of the flags; a bad one is a usage error naming the flag. */
export function inferenceFlags(v: { engine: string; 'ort-provider': string; threads?: string | undefined; 'wasm-threads'?: string | undefined }): InferenceFlags {
  if (!(ENGINES as readonly string[]).includes(v.engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, got '${v.engine}'`);
  if (!(ORT_PROVIDERS as readonly string[]).includes(v['ort-provider'])) throw new UsageError(`--ort-provider must be one of ${ORT_PROVIDERS.join(', ')}, got '${v['ort-provider']}'`);
  const out: InferenceFlags = { engine: v.engine, ortProvider: v['ort-provider'] };
  if (v.threads !== undefined) out.threads = positive('threads', v.threads);
  if (v['wasm-threads'] !== undefined) out.wasmThreads = v['wasm-threads'] === 'auto' ? 'auto' : positive('wasm-threads', v['wasm-threads'], 'auto or a positive integer');
  return out;
}

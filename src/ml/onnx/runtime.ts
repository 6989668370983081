/**
 * Loading ONNX Runtime (`onnxruntime-node`) and creating sessions with our settings. The
 * package ships its CPU binary for Linux, macOS and Windows; the CUDA execution provider is a
 * separate download at install time (`--onnxruntime-node-install=cuda12`), so asking for
 * `cuda` can fail at session creation: the error says how to install it.
 */
import { availableParallelism } from 'node:os';
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;
export type OrtSession = Ort.InferenceSession;
export type OrtTensor = Ort.Tensor;

export type OrtProvider = 'cpu' | 'cuda';
export const ORT_PROVIDERS: readonly OrtProvider[] = ['cpu', 'cuda'];

export interface OrtOptions {
  provider?: OrtProvider;
  /** Intra-op threads; default: every core (`defaultThreads`). */
  threads?: number;
  /**
   * Let idle pool threads spin for work (ORT's default) rather than sleep. Off by default: an
   * engine runs several sessions in turn, each with its own pool, and spinning pools of the
   * sessions not running steal the cores of the one that is (and of other -j workers).
   */
  spin?: boolean;
}

export class OrtUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OrtUnavailableError';
  }
}

let loaded: Promise<OrtModule> | undefined;

/** The onnxruntime-node module, or OrtUnavailableError naming why it cannot load. */
export function loadOrt(): Promise<OrtModule> {
  loaded ??= import('onnxruntime-node').then(
    (m) => m as OrtModule,
    (e: unknown) => {
      loaded = undefined;
      throw new OrtUnavailableError(`onnxruntime-node cannot load on this machine: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    },
  );
  return loaded;
}

/** The cores one of `jobs` concurrent workers may use: floor(cores / jobs), at least 1. */
export function defaultThreads(jobs = 1, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, jobs)));
}

/** ORT graph rewrites we turn off (by name; `;`-separated in the session config). */
export const DISABLED_OPTIMIZERS = ['SkipLayerNormFusion'];

export function sessionOptions(opts: OrtOptions): Ort.InferenceSession.SessionOptions {
  const threads = opts.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`onnxruntime: threads must be a positive integer, got ${threads}`);
  return {
    executionProviders: [opts.provider ?? 'cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: {
      session: { intra_op: { allow_spinning: opts.spin ? '1' : '0' } },
      // SkipLayerNormalization's CPU kernel made our layer graphs 25-30% slower (process CPU
      // time, default shape, 1 thread) than the LayerNormalization + Add it replaces.
      optimization: { disable_specified_optimizers: DISABLED_OPTIMIZERS.join(';') },
    },
  };
}

/** ONNX Runtime loaded but refused a session (a provider that cannot start, a bad graph). */
export class OrtSessionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OrtSessionError';
  }
}

/** A session over serialized model bytes; errors say which graph and, for CUDA, how to install it. */
export async function createSession(ort: OrtModule, bytes: Uint8Array, opts: OrtOptions, what: string): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(bytes, sessionOptions(opts));
  } catch (e) {
    const msg = (e as Error).message;
    const hint =
      opts.provider === 'cuda'
        ? ' (the CUDA execution provider needs CUDA 12 and cuDNN 9 and is installed with `npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12`; see the README)'
        : '';
    throw new OrtSessionError(`onnxruntime: cannot create the session for ${what}: ${msg}${hint}`, { cause: e });
  }
}

/**
 * The PyTorch reference of the ML benches (Debian's python3-torch), run in a child process at a
 * given thread count, on the best BLAS kernel for this CPU.
 *
 * Debian's torch calls the system BLAS. OpenBLAS picks its kernel from the CPU's identity and,
 * on a CPU it does not recognise, falls back to its oldest x86 kernel (Prescott: 12-24 GFLOP/s
 * where SkylakeX runs 260), which made the reference several times slower than it should be.
 * So the kernel is chosen from the CPU's feature flags (AVX-512 -> SkylakeX, AVX2 -> Haswell)
 * and set with OPENBLAS_CORETYPE in the child's environment only; OpenBLAS's own thread count
 * is pinned to the reference's. The child reports the library, the kernel it runs and a
 * measured matmul GFLOP/s, printed beside every ratio.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TorchShape {
  layers: number;
  hidden: number;
  heads: number;
  ff: number;
  vocab: number;
  batch: number;
  seq: number;
}

export interface TorchTimes {
  torch: string;
  threads: number;
  /** Best wall seconds of one forward (eval, no_grad). */
  forward_s: number;
  /** Best process CPU seconds of one forward (all threads). */
  forward_cpu_s: number;
  train_step_s?: number;
  train_step_cpu_s?: number;
  blas: { library: string | null; kernel?: string; config?: string; threads?: number };
  matmul_gflops: number;
}

/**
 * A python3 that imports torch: the one on PATH, else Debian's (/usr/bin/python3, where
 * python3-torch installs) when PATH's is another interpreter (pyenv, venv).
 */
let python: string | null | undefined;
export function pythonWithTorch(): string | undefined {
  if (python === undefined) {
    python = null;
    for (const exe of ['python3', '/usr/bin/python3']) {
      if (spawnSync(exe, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) {
        python = exe;
        break;
      }
    }
  }
  return python ?? undefined;
}

export function torchAvailable(): boolean {
  return pythonWithTorch() !== undefined;
}

/** OPENBLAS_CORETYPE for this CPU from /proc/cpuinfo's flags, or undefined (let OpenBLAS pick). */
export function openblasCoreType(cpuinfo?: string): string | undefined {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return undefined;
    }
  }
  const flags = new Set((/^flags\s*:(.*)$/m.exec(text)?.[1] ?? '').trim().split(/\s+/));
  if (flags.has('avx512f')) return 'SkylakeX';
  if (flags.has('avx2')) return 'Haswell';
  return undefined;
}

/** The child's environment: the kernel (unless the caller set one) and BLAS/OpenMP threads. */
export function torchEnv(threads: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const core = base.OPENBLAS_CORETYPE ?? openblasCoreType();
  const n = String(threads);
  return { ...base, ...(core ? { OPENBLAS_CORETYPE: core } : {}), OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
}

/** PyTorch at `threads` threads for the shape, or undefined when no python3 has torch. */
export function torchTimes(s: TorchShape, opts: { reps: number; threads: number; train?: boolean }): TorchTimes | undefined {
  const py = pythonWithTorch();
  if (!py) return undefined;
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'torch-forward.py');
  const args = [script, '--layers', String(s.layers), '--hidden', String(s.hidden), '--heads', String(s.heads), '--ff', String(s.ff), '--vocab', String(s.vocab), '--batch', String(s.batch), '--seq', String(s.seq), '--reps', String(opts.reps), '--threads', String(opts.threads)];
  if (opts.train === false) args.push('--no-train');
  const out = execFileSync(py, args, { encoding: 'utf8', env: torchEnv(opts.threads) });
  return JSON.parse(out.trim().split('\n').pop()!) as TorchTimes;
}

/** `PyTorch 1.13.0 on OpenBLAS (SkylakeX), matmul 260 GFLOP/s at 1 thread`. */
export function describeTorch(t: TorchTimes): string {
  const lib = t.blas.library ? (t.blas.library.includes('openblas') ? 'OpenBLAS' : t.blas.library.split('/').pop()!) : 'unknown BLAS';
  return `PyTorch ${t.torch} on ${lib}${t.blas.kernel ? ` (${t.blas.kernel})` : ''}, matmul ${t.matmul_gflops.toFixed(0)} GFLOP/s at ${t.threads} thread${t.threads === 1 ? '' : 's'}`;
}

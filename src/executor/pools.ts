/**
 * Resource pools (e.g. `gpu`): named slots that nodes hold while they run. The `gpu` pool's
 * slots are device ids from CUDA_VISIBLE_DEVICES (a comma list; empty means none), else WebGPU
 * adapter indices from LAYERFUSE_WEBGPU_ADAPTERS (for GPUs without nvidia-smi: AMD, Intel), else
 * the devices `nvidia-smi -L` lists, else none. A node is granted specific slots so that its
 * worker can be given its own CUDA_VISIBLE_DEVICES and LAYERFUSE_WEBGPU_ADAPTER.
 */
import { execFileSync } from 'node:child_process';

export type PoolSlots = Record<string, readonly string[]>;

function commaList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '-1');
}

export function detectGpuSlots(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.CUDA_VISIBLE_DEVICES !== undefined) return commaList(env.CUDA_VISIBLE_DEVICES);
  if (env.LAYERFUSE_WEBGPU_ADAPTERS !== undefined) return commaList(env.LAYERFUSE_WEBGPU_ADAPTERS);
  try {
    const out = execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return out
      .split('\n')
      .filter((l) => /^GPU \d+/.test(l))
      .map((_, i) => String(i));
  } catch {
    return [];
  }
}

export interface Grant {
  /** Pool name -> the slot ids held, e.g. `{gpu: ['1']}`. */
  readonly slots: Record<string, string[]>;
  release(): void;
}

interface Waiter {
  request: Record<string, number>;
  resolve: (g: Grant) => void;
  reject: (e: unknown) => void;
}

export class ResourcePools {
  private readonly free: Map<string, string[]>;
  private readonly sizes: Map<string, number>;
  private readonly waiters: Waiter[] = [];

  constructor(slots: PoolSlots) {
    this.free = new Map(Object.entries(slots).map(([k, v]) => [k, [...v]]));
    this.sizes = new Map(Object.entries(slots).map(([k, v]) => [k, v.length]));
  }

  size(pool: string): number {
    return this.sizes.get(pool) ?? 0;
  }

  /** Why a request can never be granted, or undefined when it can. */
  impossible(request: Record<string, number>): string | undefined {
    for (const [pool, n] of Object.entries(request)) {
      if (n <= 0) continue;
      const size = this.size(pool);
      if (n > size) {
        const found = pool === 'gpu' ? ' (from CUDA_VISIBLE_DEVICES, else LAYERFUSE_WEBGPU_ADAPTERS, else nvidia-smi -L)' : '';
        return `needs ${pool}: ${n} but the ${pool} pool has ${size} slot${size === 1 ? '' : 's'}${found}`;
      }
    }
    return undefined;
  }

  /** Waits first-come first-served; all of a request is granted at once (no partial holds). */
  acquire(request: Record<string, number>, signal?: AbortSignal): Promise<Grant> {
    const why = this.impossible(request);
    if (why) return Promise.reject(new Error(why));
    return new Promise<Grant>((resolve, reject) => {
      const waiter: Waiter = { request, resolve, reject };
      if (signal) {
        if (signal.aborted) return reject(signal.reason);
        signal.addEventListener(
          'abort',
          () => {
            const i = this.waiters.indexOf(waiter);
            if (i >= 0) {
              this.waiters.splice(i, 1);
              reject(signal.reason);
            }
          },
          { once: true },
        );
      }
      this.waiters.push(waiter);
      this.pump();
    });
  }

  private fits(request: Record<string, number>): boolean {
    return Object.entries(request).every(([pool, n]) => n <= 0 || (this.free.get(pool)?.length ?? 0) >= n);
  }

  private pump(): void {
    // Strict FIFO: the head waits until it fits, so a big request is not starved by small ones.
    while (this.waiters.length > 0 && this.fits((this.waiters[0] as Waiter).request)) {
      const w = this.waiters.shift() as Waiter;
      const slots: Record<string, string[]> = {};
      for (const [pool, n] of Object.entries(w.request)) {
        if (n <= 0) continue;
        const free = this.free.get(pool) as string[];
        free.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
        slots[pool] = free.splice(0, n);
      }
      let released = false;
      w.resolve({
        slots,
        release: () => {
          if (released) return;
          released = true;
          for (const [pool, ids] of Object.entries(slots)) this.free.get(pool)?.push(...ids);
          this.pump();
        },
      });
    }
  }
}

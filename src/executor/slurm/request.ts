/**
 * A node's `resources:` as a Slurm request: `gpu: 1, cpus: 4, mem: 16G, time: 2h` ->
 * `--gres=gpu:1 --cpus-per-task=4 --mem=16G --time=02:00:00`, with the profile's defaults for
 * what the node leaves out, its partition/account/qos, and growth per retry. The DSL has already
 * turned `mem` into MiB and `time` into seconds.
 */
import type { RetryGrowth, SlurmProfile } from '../../dsl/slurm-profile.js';
import { formatSlurmMemory, formatSlurmTime } from '../../resources.js';

/** Resource names a Slurm job can honour; anything else is a local pool with no Slurm meaning. */
export const SLURM_RESOURCES: ReadonlySet<string> = new Set(['gpu', 'cpus', 'mem', 'time']);

export interface SlurmRequest {
  gpus: number;
  cpus?: number;
  memMib?: number;
  timeSeconds?: number;
  partition?: string;
}

/** Resource names of a node that Slurm cannot honour. */
export function foreignResources(resources: Record<string, number>): string[] {
  return Object.keys(resources).filter((k) => !SLURM_RESOURCES.has(k) && (resources[k] ?? 0) > 0);
}

/**
 * The request of attempt `attempt` (0 = first): memory and time grow by `growth` per retry,
 * from the node's value or, when it gives none, the profile's default. A request with neither
 * does not grow: Slurm's own default applies, which layerfuse cannot see.
 */
export function slurmRequest(resources: Record<string, number>, profile: SlurmProfile, attempt = 0, growth: RetryGrowth = { mem: 1, time: 1 }): SlurmRequest {
  const gpus = resources.gpu ?? 0;
  const cpus = resources.cpus ?? profile.defaults.cpus;
  const mem = resources.mem ?? profile.defaults.memMib;
  const time = resources.time ?? profile.defaults.timeSeconds;
  const partition = gpus > 0 ? (profile.gpuPartition ?? profile.partition) : profile.partition;
  return {
    gpus,
    ...(cpus !== undefined ? { cpus } : {}),
    ...(mem !== undefined ? { memMib: Math.ceil(mem * growth.mem ** attempt) } : {}),
    ...(time !== undefined ? { timeSeconds: Math.ceil(time * growth.time ** attempt) } : {}),
    ...(partition !== undefined ? { partition } : {}),
  };
}

/** The sbatch options of a request, in a fixed order, then the profile's own extra options. */
export function requestOptions(req: SlurmRequest, profile: SlurmProfile): string[] {
  const out: string[] = [];
  if (req.partition !== undefined) out.push(`--partition=${req.partition}`);
  if (profile.account !== undefined) out.push(`--account=${profile.account}`);
  if (profile.qos !== undefined) out.push(`--qos=${profile.qos}`);
  if (req.cpus !== undefined) out.push(`--cpus-per-task=${req.cpus}`);
  if (req.memMib !== undefined) out.push(`--mem=${formatSlurmMemory(req.memMib)}`);
  if (req.timeSeconds !== undefined) out.push(`--time=${formatSlurmTime(req.timeSeconds)}`);
  if (req.gpus > 0) out.push(`--gres=${profile.gres}:${req.gpus}`);
  out.push(...profile.sbatch);
  return out;
}

/** `--mem=32G --time=04:00:00`: what changed between two attempts, for the retry message. */
export function describeGrowth(before: SlurmRequest, after: SlurmRequest): string {
  const parts: string[] = [];
  if (after.memMib !== undefined && after.memMib !== before.memMib) parts.push(`--mem=${formatSlurmMemory(after.memMib)}`);
  if (after.timeSeconds !== undefined && after.timeSeconds !== before.timeSeconds) parts.push(`--time=${formatSlurmTime(after.timeSeconds)}`);
  return parts.join(' ');
}

/**
 * What a node asks of whoever runs it, beside its params: `resources:` (pool slots such as
 * `gpu`, and the Slurm request's `cpus`, `mem`, `time`), `retries:` and `retry:`. Values are
 * checked and normalized here (memory to MiB, time to seconds, factors to numbers) so the
 * executor and its runners receive plain numbers. None of this is part of a node's key: the
 * same node gives the same result however much memory it was granted.
 */
import { parseDuration, parseFactor, parseMemory } from '../resources.js';
import { describeValue } from './ajv-errors.js';

/** A resource's value in the unit the executor uses, or what is wrong with it. */
export function resourceValue(name: string, v: unknown): { value: number } | { error: string } {
  if (name === 'mem') {
    const r = parseMemory(v);
    return 'error' in r ? { error: `resource \`mem\` ${r.error}, got ${describeValue(v)}` } : { value: r.mib };
  }
  if (name === 'time') {
    const r = parseDuration(v);
    return 'error' in r ? { error: `resource \`time\` ${r.error}, got ${describeValue(v)}` } : { value: r.seconds };
  }
  const min = name === 'cpus' ? 1 : 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) return { error: `resource \`${name}\` must be an integer >= ${min}, got ${describeValue(v)}` };
  return { value: v };
}

export function retriesValue(v: unknown): { value: number } | { error: string } {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return { error: `\`retries\` must be an integer >= 0, got ${describeValue(v)}` };
  return { value: v };
}

/** One `retry:` entry: which request grows (`mem` or `time`) and by what factor. */
export function retryGrowthValue(name: string, v: unknown): { value: number } | { error: string } {
  if (name !== 'mem' && name !== 'time') return { error: `\`retry\` grows \`mem\` or \`time\`, not \`${name}\`` };
  const r = parseFactor(v);
  return 'error' in r ? { error: `\`retry.${name}\` ${r.error}, got ${describeValue(v)}` } : { value: r.factor };
}

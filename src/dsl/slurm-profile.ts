/**
 * Reading a Slurm profile: YAML with positions, its shape checked by ajv against
 * SLURM_PROFILE_SCHEMA, sizes/durations/factors by src/resources.ts; every problem located at
 * file:line:col, as for pipelines. An absent profile is the built-in defaults.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { isMap } from 'yaml';
import { parseDuration, parseFactor, parseMemory } from '../resources.js';
import { translateAjvErrors, type PathSeg } from './ajv-errors.js';
import { Diagnostics } from './diagnostics.js';
import { parseYaml } from './parse-yaml.js';
import { SLURM_PROFILE_SCHEMA } from './slurm-profile-schema.js';
import { SourceFile } from './source.js';
import type { Diagnostic } from './types.js';
import { locate } from './yaml-nav.js';

/** Growth of a request per resubmission (1 = unchanged). */
export interface RetryGrowth {
  mem: number;
  time: number;
}

/** A profile with its units parsed; what the Slurm runner reads. */
export interface SlurmProfile {
  /** The file it came from; absent for the built-in defaults. */
  file?: string;
  partition?: string;
  gpuPartition?: string;
  account?: string;
  qos?: string;
  maxJobs: number;
  pollMs: number;
  gres: string;
  defaults: { cpus?: number; memMib?: number; timeSeconds?: number };
  sbatch: string[];
  setup?: string;
  /** Shell words that start Node.js in a job. */
  node?: string;
  retries: number;
  retry: RetryGrowth;
}

export const DEFAULT_MAX_JOBS = 100;
export const DEFAULT_POLL_MS = 5000;

export function defaultSlurmProfile(): SlurmProfile {
  return { maxJobs: DEFAULT_MAX_JOBS, pollMs: DEFAULT_POLL_MS, gres: 'gpu', defaults: {}, sbatch: [], retries: 0, retry: { mem: 1, time: 1 } };
}

/** `$XDG_CONFIG_HOME/layerfuse/slurm.yaml` (else ~/.config/...), where a profile is looked for when none is named. */
export function userProfilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'layerfuse', 'slurm.yaml');
}

export interface ProfileResult {
  profile?: SlurmProfile;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

let validator: ReturnType<Ajv['compile']> | undefined;

interface RawProfile {
  partition?: string;
  gpu_partition?: string;
  account?: string;
  qos?: string;
  max_jobs?: number;
  poll?: string | number;
  gres?: string;
  defaults?: { cpus?: number; mem?: string | number; time?: string | number };
  sbatch?: string[];
  setup?: string;
  node?: string;
  retries?: number;
  retry?: { mem?: string | number; time?: string | number };
}

export function parseSlurmProfileText(file: string, text: string): ProfileResult {
  const abs = resolve(file);
  const src = new SourceFile(abs, text);
  const diags = new Diagnostics();
  const sources = new Map([[abs, text]]);
  const done = (profile?: SlurmProfile): ProfileResult => ({ ...(profile && !diags.hasErrors() ? { profile } : {}), diagnostics: diags.sorted(), sources });
  const parsed = parseYaml(src, diags);
  if (!parsed.ok) return done();
  const doc = parsed.doc;
  // An empty file is an empty profile: every default.
  if (doc.contents !== null && !isMap(doc.contents)) {
    diags.error('a Slurm profile is a map (partition, account, defaults, ...)', src.node(doc.contents));
    return done();
  }
  const raw = (doc.toJS() ?? {}) as RawProfile;
  const at = (path: PathSeg[], where: 'key' | 'value' = 'value') => {
    const n = locate(doc, doc.contents, path, where).node;
    return n ? src.node(n) : src.range(0, 0);
  };
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(SLURM_PROFILE_SCHEMA);
  // Shape problems and unit problems are all reported at once; `done` withholds the profile.
  if (!validator(raw)) {
    const name = (p: PathSeg[]): string => p.map(String).join('.');
    for (const prob of translateAjvErrors(validator.errors ?? [], raw, name)) diags.error(prob.message, at(prob.path, prob.at));
  }

  const profile: SlurmProfile = { ...defaultSlurmProfile(), file: abs };
  const unit = <T>(path: PathSeg[], value: unknown, parse: (v: unknown) => T | { error: string }): T | undefined => {
    // Other types were reported by the schema.
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const r = parse(value);
    if ('error' in (r as object)) {
      diags.error(`\`${path.join('.')}\` ${(r as { error: string }).error}, got ${JSON.stringify(value)}`, at(path));
      return undefined;
    }
    return r as T;
  };
  if (raw.partition !== undefined) profile.partition = raw.partition;
  if (raw.gpu_partition !== undefined) profile.gpuPartition = raw.gpu_partition;
  if (raw.account !== undefined) profile.account = raw.account;
  if (raw.qos !== undefined) profile.qos = raw.qos;
  if (raw.max_jobs !== undefined) profile.maxJobs = raw.max_jobs;
  if (raw.gres !== undefined) profile.gres = raw.gres;
  if (raw.sbatch !== undefined) profile.sbatch = raw.sbatch;
  if (raw.setup !== undefined) profile.setup = raw.setup;
  if (raw.node !== undefined) profile.node = raw.node;
  if (raw.retries !== undefined) profile.retries = raw.retries;
  // `poll` reads like `time`, but a bare number is seconds: nobody polls in minutes.
  const poll = unit(['poll'], typeof raw.poll === 'number' ? `${raw.poll}s` : raw.poll, parseDuration);
  if (poll) profile.pollMs = poll.seconds * 1000;
  const d = raw.defaults ?? {};
  if (d.cpus !== undefined) profile.defaults.cpus = d.cpus;
  const mem = unit(['defaults', 'mem'], d.mem, parseMemory);
  if (mem) profile.defaults.memMib = mem.mib;
  const time = unit(['defaults', 'time'], d.time, parseDuration);
  if (time) profile.defaults.timeSeconds = time.seconds;
  const memGrowth = unit(['retry', 'mem'], raw.retry?.mem, parseFactor);
  if (memGrowth) profile.retry.mem = memGrowth.factor;
  const timeGrowth = unit(['retry', 'time'], raw.retry?.time, parseFactor);
  if (timeGrowth) profile.retry.time = timeGrowth.factor;
  return done(profile);
}

/**
 * The profile named by `file`, else the user's (userProfilePath) when it exists, else the
 * built-in defaults. A named file that cannot be read is an error; the user's is optional.
 */
export async function loadSlurmProfile(file?: string, env: NodeJS.ProcessEnv = process.env): Promise<ProfileResult> {
  const path = file ?? userProfilePath(env);
  if (file === undefined && !existsSync(path)) return { profile: defaultSlurmProfile(), diagnostics: [], sources: new Map() };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    const d: Diagnostic = { severity: 'error', message: `cannot read the Slurm profile: ${why}${code ? ` (${code})` : ''}`, location: { file: resolve(path) } };
    return { diagnostics: [d], sources: new Map() };
  }
  return parseSlurmProfileText(path, text);
}

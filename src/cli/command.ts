/**
 * What every `layerfuse` command shares: parsing its argv (with `-h/--help` and a count of
 * positionals), and turning the problems that are the user's request rather than a node's
 * failure (bad flags, an unknown node id, an unusable cache folder) into one line and exit 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PlanError } from '../executor/index.js';
import { CacheDirError } from './cache-dir.js';
import { writeErr, writeOut } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options several commands take. */
export const SET_OPTION = { set: { type: 'string', multiple: true } } as const;
/** No default: absent, the cache is LAYERFUSE_CACHE_DIR or the project root's (cache-dir.ts). */
export const CACHE_DIR_OPTION = { 'cache-dir': { type: 'string' } } as const;
export const RESULTS_DIR_OPTION = { 'results-dir': { type: 'string' } } as const;

/** The request is wrong (exit 2); `showUsage` appends the command's usage text. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

class HelpRequested extends Error {}

/** The problem was printed already (e.g. a pipeline's diagnostics): exit 2 and say nothing more. */
export class AlreadyReported extends Error {}

export interface Positionals {
  min: number;
  max: number;
  /** How to name them in the complaint, e.g. `PIPELINE NODE`. */
  what: string;
}

type HelpOption = { help: { type: 'boolean'; short: 'h' } };
type Config<O extends Options> = { args: string[]; allowPositionals: boolean; strict: true; options: O & HelpOption };
export type ParsedCommand<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>;

/** parseArgs with `--help` added: throws UsageError (bad flags, wrong positionals) or prints help via runCommand. */
export function parseCommand<const O extends Options>(argv: string[], options: O, positionals: Positionals): ParsedCommand<O> {
  const help: HelpOption = { help: { type: 'boolean', short: 'h' } };
  const config: Config<O> = { args: argv, allowPositionals: positionals.max > 0, strict: true, options: { ...options, ...help } };
  let parsed: ParsedCommand<O>;
  try {
    parsed = parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message, true);
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested();
  const n = parsed.positionals.length;
  if (n < positionals.min || n > positionals.max) {
    const count = positionals.min === positionals.max ? '' : positionals.min === 0 ? 'at most ' : '';
    throw new UsageError(`expected ${count}${positionals.what}${n > positionals.max ? `, got ${n} arguments` : ''}`, true);
  }
  return parsed;
}

/** Run a command body, mapping request problems to exit 2 with `layerfuse NAME: message`. */
export async function runCommand(name: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof HelpRequested) {
      writeOut(usage);
      return 0;
    }
    if (e instanceof AlreadyReported) return 2;
    if (e instanceof UsageError) {
      writeErr(`layerfuse ${name}: ${e.message}\n${e.showUsage ? `\n${usage}` : ''}`);
      return 2;
    }
    if (e instanceof PlanError || e instanceof CacheDirError) {
      writeErr(`layerfuse ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * Spawning the real CLI of this build (the compiled src/cli/main.js next to these tests) in a
 * test directory. `main` is loaded by URL inside `-e`, as workers do, so this works from any
 * build output folder (dist/, dist-exec/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { cliMainPath } from '../../src/package-root.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Loads the CLI's `main` by URL inside `-e` rather than running the file directly: argv[1] is
 * then the command, so this works whether or not main.js runs itself when executed.
 */
export function cliEntryArgs(cliMain: string, args: string[]): string[] {
  const script = `const { main } = await import(${JSON.stringify(pathToFileURL(cliMain).href)}); process.exitCode = await main(process.argv.slice(1));`;
  return ['--input-type=module', '-e', script, '--', ...args];
}

/** Start the CLI in its own process group (so a test can kill -9 all of it). */
export function startCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, cliEntryArgs(cliMainPath, args), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function cli(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return startCli(cwd, args, env).done;
}

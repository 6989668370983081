/** Run the compiled `layerfuse` CLI (this build's src/cli/main.js) in a child process. */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { cliMainPath } from '../../src/package-root.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd?: string): CliResult {
  const script = `import(${JSON.stringify(pathToFileURL(cliMainPath).href)}).then((m) => m.main(process.argv.slice(1))).then((c) => { process.exitCode = c; })`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

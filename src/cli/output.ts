/** The only place the CLI writes to the terminal (house rule: no console outside the logger). */
export function writeOut(text: string): void {
  process.stdout.write(text);
}

export function writeErr(text: string): void {
  process.stderr.write(text);
}

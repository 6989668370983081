/**
 * Fuzz-ish tables of bad inputs: each case names the kind of input, and the message fragment
 * (or pattern) some error must contain. Every message is also checked to carry no stack trace,
 * the failure users met before these inputs were handled.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

export interface BadInput<I> {
  /** The kind of bad input, as the test name shows it. */
  name: string;
  input: I;
  /** A fragment of the expected message (with its `file:line:col` where there is one), or a pattern. */
  expect: string | RegExp;
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

export function assertNoStack(text: string): void {
  assert.doesNotMatch(text, STACK, `a stack trace:\n${text}`);
}

/** One test per case: `messagesOf` returns every message the input produced. */
export function badInputTests<I>(title: string, cases: ReadonlyArray<BadInput<I>>, messagesOf: (input: I) => Promise<string[]> | string[]): void {
  for (const c of cases) {
    void test(`${title}: ${c.name}`, async () => {
      const got = await messagesOf(c.input);
      assert.ok(got.length > 0, 'the input was accepted');
      const hit = got.some((m) => (typeof c.expect === 'string' ? m.includes(c.expect) : c.expect.test(m)));
      assert.ok(hit, `expected ${String(c.expect)} among:\n${got.join('\n')}`);
      for (const m of got) assertNoStack(m);
    });
  }
}

/** The message of what `fn` throws (or rejects with); fails the test when it does not. */
export async function thrownMessage(fn: () => unknown): Promise<string[]> {
  try {
    await fn();
  } catch (e) {
    return [(e as Error).message];
  }
  assert.fail('expected an error, none was thrown');
}

/**
 * Text files users hand us (pipelines, data, vocab.txt, tokenizer.json, config.json) must be
 * UTF-8. `readFile(path, 'utf8')` would replace a bad byte with U+FFFD and carry on, so a
 * Latin-1 file trained on mangled text, or a Latin-1 `run:` command ran mangled; here the first
 * bad byte is an error with its line and column. In src/artifacts, the leaf every layer may
 * import, so the DSL and src/ml share one decoder.
 */

export interface BadUtf8 {
  /** 1-based line, and 1-based column in characters (UTF-16 code units, as editors count). */
  line: number;
  col: number;
  /** Offset of the first byte of the bad sequence in the file, and that byte. */
  offset: number;
  byte: number;
}

export type Decoded = { ok: true; text: string } | { ok: false; bad: BadUtf8 };

function throws(bytes: Uint8Array): boolean {
  try {
    // stream: an incomplete sequence at the end is not (yet) an error.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return false;
  } catch {
    return true;
  }
}

/** Decode strictly; on failure, where the first invalid sequence starts. */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Find it below: only bad files pay for the search.
  }
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const row = bytes.subarray(start, end);
    let bad: number | undefined;
    if (throws(row)) {
      // The shortest prefix that throws ends with the byte that breaks the sequence; the
      // sequence starts where the valid text before it ends. (Throwing is monotone in length.)
      let lo = 0;
      let hi = row.length;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (throws(row.subarray(0, mid))) hi = mid;
        else lo = mid;
      }
      bad = hi - 1;
    } else {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(row);
      } catch {
        bad = row.length; // only an unfinished sequence at the end of the line
      }
    }
    if (bad !== undefined) {
      const valid = new TextDecoder('utf-8', { fatal: true }).decode(row.subarray(0, bad), { stream: true });
      const at = Buffer.byteLength(valid, 'utf8');
      return { ok: false, bad: { line, col: valid.length + 1, offset: start + at, byte: row[at] ?? 0 } };
    }
    start = end + 1;
  }
  // Unreachable: the whole decode failed, so some line does.
  return { ok: false, bad: { line: 1, col: 1, offset: 0, byte: bytes[0] ?? 0 } };
}

/** `file:line:col: not UTF-8 ...`, the message every reader uses. */
export function badUtf8Message(file: string, bad: BadUtf8): string {
  const hex = bad.byte.toString(16).padStart(2, '0');
  return `${file}:${bad.line}:${bad.col}: not valid UTF-8 (byte 0x${hex} at offset ${bad.offset}); save the file as UTF-8`;
}

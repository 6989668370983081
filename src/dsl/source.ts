/**
 * One source file's text with line/column lookup, and helpers that turn `yaml` node ranges into
 * Locations. Every diagnostic position goes through here so that line/col and the squiggle agree.
 */
import { LineCounter } from 'yaml';
import type { Location, SourceRange } from './types.js';

export class SourceFile {
  readonly lines: LineCounter;

  constructor(readonly file: string, readonly text: string) {
    this.lines = new LineCounter();
    // LineCounter learns line starts as yaml lexes; fill it directly so it also works for text
    // yaml never saw (and so locations are right even when parsing stopped early).
    this.lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lines.addNewLine(i + 1);
  }

  /** Location of [start, end) character offsets (clamped to the text). */
  range(start: number, end: number): Location {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    const a = this.lines.linePos(s);
    const b = this.lines.linePos(e);
    const range: SourceRange = {
      start: { line: a.line, col: a.col },
      end: { line: b.line, col: b.col },
      offset: s,
      length: e - s,
    };
    return { file: this.file, range };
  }

  /** Location of a `yaml` node (its value range, without trailing comments). */
  node(n: { range?: [number, number, number] | null } | null | undefined): Location {
    if (!n?.range) return { file: this.file };
    return this.range(n.range[0], n.range[1]);
  }

  /**
   * Location of `needle` inside the node's source text (e.g. one `${ref}` inside a longer
   * string), falling back to the whole node when the raw text differs (escapes, folding).
   */
  within(n: { range?: [number, number, number] | null } | null | undefined, needle: string, occurrence = 0): Location {
    if (!n?.range) return { file: this.file };
    const raw = this.text.slice(n.range[0], n.range[1]);
    let at = -1;
    for (let k = 0; k <= occurrence; k++) {
      at = raw.indexOf(needle, at + 1);
      if (at === -1) return this.node(n);
    }
    return this.range(n.range[0] + at, n.range[0] + at + needle.length);
  }

  whole(): Location {
    return { file: this.file };
  }
}

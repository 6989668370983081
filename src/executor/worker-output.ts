/**
 * Splitting a serving worker's stdout or stderr into jobs: text up to JOB_END_MARK belongs to
 * the job that was running, the mark line itself is dropped (worker-protocol.ts). The stream is
 * read as it comes, so a mark may arrive split across chunks: a trailing piece of text that
 * could be the start of a mark waits for the next chunk.
 */
import { JOB_END_MARK } from './worker-protocol.js';

export class JobOutputSplitter {
  private pending = '';

  constructor(
    /** Output of the job under way (or, between jobs, of none). */
    private readonly onText: (text: string) => void,
    /** A mark went by: every byte the job wrote to this stream came before it. */
    private readonly onMark: () => void,
  ) {}

  push(chunk: string): void {
    let text = this.pending + chunk;
    this.pending = '';
    for (;;) {
      const at = text.indexOf(JOB_END_MARK);
      if (at < 0) break;
      const eol = text.indexOf('\n', at + JOB_END_MARK.length);
      if (eol < 0) {
        // The mark's line (its ordinal and newline) is not complete yet.
        this.emit(text.slice(0, at));
        this.pending = text.slice(at);
        return;
      }
      this.emit(text.slice(0, at));
      this.onMark();
      text = text.slice(eol + 1);
    }
    // Hold back the longest tail that may be a mark's first characters.
    for (let from = Math.max(0, text.length - JOB_END_MARK.length + 1); from < text.length; from++) {
      if (text.charCodeAt(from) === 0 && JOB_END_MARK.startsWith(text.slice(from))) {
        this.pending = text.slice(from);
        text = text.slice(0, from);
        break;
      }
    }
    this.emit(text);
  }

  /** The stream ended: what is held back was plain output after all. */
  end(): void {
    const rest = this.pending;
    this.pending = '';
    this.emit(rest);
  }

  private emit(text: string): void {
    if (text !== '') this.onText(text);
  }
}

/**
 * Collects diagnostics across stages. Duplicates (same position and message) are dropped, since
 * an expanded template reports the same problem once per expansion; the output order is by file
 * and position so that golden tests and users see a stable list.
 */
import type { Diagnostic, Location } from './types.js';

export type Related = NonNullable<Diagnostic['related']>;

export class Diagnostics {
  private readonly list: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  error(message: string, location: Location, related?: Related): void {
    const key = `${location.file}\0${location.range?.offset ?? -1}\0${location.range?.length ?? -1}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d: Diagnostic = { severity: 'error', message, location };
    if (related && related.length > 0) d.related = related;
    this.list.push(d);
  }

  add(d: Diagnostic): void {
    this.error(d.message, d.location, d.related);
  }

  get count(): number {
    return this.list.length;
  }

  hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }

  /** Sorted by file, then position (diagnostics without a position first), then message. */
  sorted(): Diagnostic[] {
    return [...this.list].sort((a, b) => {
      if (a.location.file !== b.location.file) return a.location.file < b.location.file ? -1 : 1;
      const oa = a.location.range?.offset ?? -1;
      const ob = b.location.range?.offset ?? -1;
      if (oa !== ob) return oa - ob;
      return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
    });
  }
}

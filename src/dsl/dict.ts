/**
 * Dictionaries keyed by what a pipeline author writes (node ids, param names, matrix axes,
 * `with` keys, map keys in values). A plain `{}` answers `'constructor' in o` and `o.toString`
 * from Object.prototype and ignores `o.__proto__ = 3`, so such names were silently dropped or
 * resolved to functions. These objects have no prototype; lookups go through `hasOwn`.
 */
export function dict<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** Own key only: never a name inherited from Object.prototype. */
export function hasOwn(o: object, key: string): boolean {
  return Object.hasOwn(o, key);
}

/** The own value at `key`, or undefined (never an inherited one). */
export function own<V>(o: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

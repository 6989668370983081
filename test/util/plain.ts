/**
 * The DSL's dictionaries (params, resources, map values) have no prototype, so that ids and
 * keys such as `constructor` or `__proto__` are ordinary keys; `deepStrictEqual` compares
 * prototypes, so tests compare a plain copy with the object literal they expect.
 */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

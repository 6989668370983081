/**
 * A node's inputs as its run body reads them: `inputs.one('data', asDatasetManifest)` is "input
 * data must be one artifact of the port's type, read as a dataset manifest", with one wording of
 * every complaint. Manifest readers are the `as…Manifest(value, what)` functions next to each
 * format; they throw an InputError starting with `what`, which names the port and its producer.
 */
import { NodeError } from './errors.js';
import type { PortDecl } from './node-type.js';
import type { Artifact } from './types.js';

/** Checks that a manifest has a format and returns it typed; `what` starts its error message. */
export type ManifestReader<T> = (manifest: unknown, what: string) => T;

export class NodeInputs {
  constructor(
    private readonly nodeId: string,
    private readonly ports: Readonly<Record<string, PortDecl>>,
    /** The artifacts by port, as the executor passes them. */
    readonly artifacts: Readonly<Record<string, Artifact | Artifact[] | undefined>>,
  ) {}

  /** Whether the port was given (for optional ports). */
  has(port: string): boolean {
    return this.artifacts[port] !== undefined;
  }

  /** The one artifact on `port`, of the port's declared type; with `read`, its manifest as `read` returns it. */
  one(port: string): Artifact;
  one<T>(port: string, read: ManifestReader<T>): T;
  one<T>(port: string, read?: ManifestReader<T>): Artifact | T {
    const a = this.artifacts[port];
    const type = this.typeOf(port);
    if (a === undefined || Array.isArray(a) || (type !== 'any' && a.type !== type)) {
      throw new NodeError(`${this.nodeId}: input ${port} must be one ${type === 'any' ? 'artifact' : type}`);
    }
    return read ? read(a.manifest, this.what(port, a)) : a;
  }

  /** Like `one`, or undefined when the (optional) port was not given. */
  optional(port: string): Artifact | undefined;
  optional<T>(port: string, read: ManifestReader<T>): T | undefined;
  optional<T>(port: string, read?: ManifestReader<T>): Artifact | T | undefined {
    if (!this.has(port)) return undefined;
    return read ? this.one(port, read) : this.one(port);
  }

  /** The artifacts of a `many` port (a single one counts as a list of one; absent: empty). */
  many(port: string): Artifact[];
  many<T>(port: string, read: ManifestReader<T>): T[];
  many<T>(port: string, read?: ManifestReader<T>): Artifact[] | T[] {
    const given = this.artifacts[port];
    const list = given === undefined ? [] : Array.isArray(given) ? given : [given];
    const type = this.typeOf(port);
    for (const a of list) {
      if (type !== 'any' && a.type !== type) throw new NodeError(`${this.nodeId}: input ${port} takes ${type} artifacts, ${a.from.node}.${a.from.port} is ${a.type}`);
    }
    return read ? list.map((a) => read(a.manifest, this.what(port, a))) : list;
  }

  /** How messages name an artifact: `input scores (from score.random.scores)`. */
  what(port: string, a: Artifact): string {
    return `input ${port} (from ${a.from.node}.${a.from.port})`;
  }

  private typeOf(port: string): string {
    const decl = this.ports[port];
    if (!decl) throw new Error(`node ${this.nodeId}: its type declares no input port '${port}'`);
    return decl.type;
  }
}


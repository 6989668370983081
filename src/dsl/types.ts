/**
 * The typed result of the DSL stages. The executor only ever receives a `PipelineGraph`, which
 * exists only once the text was parsed, checked against schemas/, expanded and resolved with no
 * error (house style: typed stages, wireit `config.ts`).
 */

/** 1-based line and column, as printed in `file:line:col`. */
export interface Position {
  line: number;
  col: number;
}

export interface SourceRange {
  start: Position;
  end: Position;
  /** Character offsets into the file text, for the squiggle. */
  offset: number;
  length: number;
}

export interface Location {
  file: string;
  range?: SourceRange;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  location: Location;
  /** Further locations, e.g. each edge of a cycle, or the first definition of a duplicate id. */
  related?: Array<{ message: string; location: Location }>;
}

/** An edge into a node: the upstream node id and which of its output ports. */
export interface InputRef {
  node: string;
  port: string;
}

/** Where a node's `with` values are written, so checks after the DSL can point at them. */
export interface NodeSites {
  /** The `with:` key (the node's id when it has none). */
  with: Location;
  /** Every param value and each element below it, by dotted path (`layers`, `layers.0`, `weights.mi`). */
  params: Record<string, Location>;
  /** Each input port's value. */
  inputs: Record<string, Location>;
}

export interface ResolvedNode {
  /** Stable readable id; expanded nodes get `base.suffix`, e.g. `score.weight-entropy`. */
  id: string;
  /** Node type id, e.g. `score/weight-entropy` or `shell`. */
  type: string;
  /** The id as written before expansion (`score`), so `${score.*}` can find its expansions. */
  group: string;
  /** Plain parameters with every `${params.x}`, `${item}`, `${matrix.axis}` substituted and defaults filled. */
  params: Record<string, unknown>;
  /** Input ports from `with` keys that held references; a `many` port gets a list. */
  inputs: Record<string, InputRef | InputRef[]>;
  /** Extra ordering-only dependencies from `needs:` (not part of the key beyond ordering). */
  needs: string[];
  /**
   * The type's defaults overridden by the node's `resources:`: pool slots (`gpu`), and for
   * Slurm `cpus`, `mem` (MiB) and `time` (seconds). Not part of the key.
   */
  resources: Record<string, number>;
  /** False for `cache: false` (or a type that is not cacheable): always runs. */
  cache: boolean;
  /** `retries:` how many times a failed run is tried again; absent: the executor's default (0). */
  retries?: number;
  /** `retry:` growth of the Slurm request per retry (factors); absent: the profile's. */
  retry?: { mem?: number; time?: number };
  location: Location;
  /** Positions of its `with` values (absent for graphs built in code). */
  sites?: NodeSites;
}

export interface PipelineGraph {
  /** `name:` from the file; results go to results/<name>/. */
  name: string;
  /** Absolute path of the pipeline file, and its directory (relative paths resolve against it). */
  file: string;
  dir: string;
  /** `executor:` from the file, when it names one (`--executor` overrides it). */
  executor?: 'local' | 'slurm';
  /** Final param values after `--set`. */
  params: Record<string, unknown>;
  /** In a deterministic topological order (ties by id). */
  nodes: Map<string, ResolvedNode>;
}

/**
 * The contract between node types (src/nodes), the DSL (which only sees their schemas, generated
 * into schemas/) and the executor (which runs them through the registry).
 *
 * A node type is a declaration (`NodeDecl`: everything known without running it, cheap to load,
 * so planning and validation never load a tensor backend) plus a `run`. Node families keep their
 * declarations in `src/nodes/<family>.ts` and their run bodies in `src/nodes/run/<family>.ts`,
 * which the registry loads once, on the first run of one of the family's types (see
 * src/nodes/family.ts). The executor only ever sees `NodeType`.
 */
import type { NodeContext, RestoreContext } from './node-context.js';
import type { InputArtifacts, JsonSchema, Manifest, OutputManifests, PortType } from './types.js';

export interface PortDecl {
  type: PortType;
  description: string;
  /** Input only: the `with` key takes a list of references (or a glob such as `${score.*}`). */
  many?: boolean;
  /** Input only: the `with` key may be absent. */
  optional?: boolean;
  /**
   * Output only: the files of this port (a `FilesManifest`) are meant for people and are
   * materialized into `results/<pipeline>/<node id>/` on every run, cached or not.
   */
  publish?: boolean;
}

/** Params as the DSL hands them over: defaults filled, then checked against `params`. */
export type Params = Record<string, unknown>;

/**
 * What is known of an artifact before anything runs, derived from params alone (`NodeDecl.facts`)
 * and passed along the edges. Every field may be absent (unknown): a check must only complain
 * about what it knows. The well-known fields, so that producers and checkers agree:
 */
export interface StaticFacts {
  /** A model's encoder layer count (original indices run 0..layers-1). */
  layers?: number;
  /** A model's kept layers (original indices), when it is known to be pruned to some. */
  kept?: readonly number[];
  /** A scores artifact: its signal (strategy) name, as fusions' `weights` name it. */
  signal?: string;
  /** Anything else a family agrees on with its consumers. */
  [key: string]: unknown;
}

/** One input as a static check sees it: where it comes from, its port type, and its facts. */
export interface InputFacts {
  node: string;
  port: string;
  type: PortType;
  facts: StaticFacts;
}

/** Input facts by port: one, or a list for a `many` port; an absent optional port has no key. */
export type InputFactsMap = Readonly<Record<string, InputFacts | InputFacts[]>>;

/** What `NodeDecl.check` gets: the node's params (defaults filled), its inputs' facts, a reporter. */
export interface CheckContext<P = Params> {
  readonly nodeId: string;
  readonly params: P;
  readonly inputs: InputFactsMap;
  /** Directory of the pipeline file (for checks of paths; never write there). */
  readonly pipelineDir: string;
  /**
   * Report a mistake (validate exits 2, nothing runs). `at` points the message at a param
   * (`layers`, an element `layers.0`, a map entry `weights.mi`) or an input port (`target`); an
   * absent one at the node's `with:`.
   */
  error(message: string, at?: string): void;
}

/**
 * Everything about a node type that is known without running it. Hooks here run at validation,
 * planning or on every cache hit, so they must be cheap and must not import src/ml.
 */
export interface NodeDecl<P = Params> {
  /** Type id as written after `uses:`, e.g. `model/train`. */
  readonly type: string;
  /** Bump when the node's behaviour changes: it changes every key of this type. */
  readonly version: number;
  readonly description: string;
  /**
   * `with` parameters that are plain values (not references), as JSON Schema properties. A
   * param's `default` is its only default: the DSL fills it into the key and the registry fills
   * it before `run`, so run bodies never write `?? value`.
   */
  readonly params: Record<string, JsonSchema>;
  /** Names of required params (those without a default). */
  readonly required?: readonly string[];
  /** `with` keys that take references to other nodes' outputs. */
  readonly inputs: Record<string, PortDecl>;
  /** Output ports; the first one is the default port that `${id}` refers to. */
  readonly outputs: Record<string, PortDecl>;
  /** Resource slots a running instance takes from pools (e.g. `{gpu: 1}`); pipelines may override. */
  readonly resources?: Record<string, number>;
  /** Run in a worker subprocess (tensor work: TF.js WASM is single-threaded). */
  readonly worker?: boolean;
  /** False when the node has undeclared inputs or unseeded randomness: it always runs. */
  readonly cacheable?: boolean;
  /**
   * Whether a run with these params does its heavy work in TF.js on one thread (training,
   * gradients, inference on the tfjs engine), so that TF.js's threaded WASM build speeds it up:
   * `--wasm-threads auto` gives only such nodes more than 1 thread (src/executor/wasm-threads.ts).
   * The others keep 1, and so keep sharing worker processes with each other. `run.engine` is the
   * run's `--engine`, which an `engine: auto` param follows. Absent: false.
   */
  threadedWasm?(params: P, run: { engine: string }): boolean;
  /**
   * Inputs this type hands to its run as files (shell: `data`), and the string params where
   * `${in.NAME}` stands for the path of one of them (shell: `run`). The DSL keeps `${in.NAME}`
   * verbatim there (so keys never hold a path) and checks NAME against the inputs of `ports`;
   * anywhere else `${in.…}` is an error.
   */
  readonly inputPaths?: { readonly params: readonly string[]; readonly ports: readonly string[] };
  /**
   * The node shows the pipeline's name and params (a report does): they join its key, so a
   * renamed pipeline or a changed param reruns it, and `ctx.pipeline` holds them. Other nodes'
   * keys never include them.
   */
  readonly pipelineInfo?: boolean;
  /**
   * Files outside the cache that a run reads (paths or simple globs relative to the pipeline
   * dir, taken from params): the executor hashes their content into the key, so editing one
   * reruns the node. A missing file is an error naming the node and the path.
   */
  inputFiles?(params: P): readonly string[];
  /**
   * Facts outside the pipeline and the cache that decide the outputs, such as the version of an
   * npm package whose data the node reads (`dataset/spam-assassin`): the executor puts them in
   * the key, so a change reruns the node and `plan` names the fact. Called at planning: cheap.
   */
  keyFacts?(params: P): Readonly<Record<string, string>>;
  /**
   * Put cached outputs back where users expect them (e.g. shell's declared output files). The
   * executor calls it on every cache hit, before any dependent starts. Must be idempotent.
   */
  restore?(ctx: RestoreContext, params: P, outputs: Record<string, Manifest>): Promise<void>;
  /**
   * Static checks, run by `validate` (and so before `plan` and `run`) over the params and the
   * facts of the inputs: mistakes knowable before anything runs are reported with the position
   * of the offending value, instead of failing after upstream training.
   */
  check?(ctx: CheckContext<P>): void | Promise<void>;
  /**
   * The static facts of each output port (by port name; absent ports: nothing known), from the
   * params and the inputs' facts: e.g. model/train's `layers` param is its model's `layers`.
   */
  facts?(params: P, inputs: InputFactsMap): Record<string, StaticFacts>;
}

/** What the executor runs: a declaration and its run over raw input artifacts (an absent optional port: no key, or undefined). */
export interface NodeType<P = Params> extends NodeDecl<P> {
  run(ctx: NodeContext, params: P, inputs: Readonly<Partial<InputArtifacts>>): Promise<OutputManifests>;
}

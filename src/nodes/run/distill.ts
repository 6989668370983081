/**
 * Run body of `model/distill`: the teacher's eval-mode logits over the train split once, then the
 * student trained against them (and, with `control`, a second copy of the student trained the
 * same steps on hard labels alone), then teacher, student before, distilled and control
 * evaluated on validation and test through the evaluation memo (the teacher's and the
 * student's are usually already there, from the curves).
 *
 * On the one-core backends (single-threaded WASM, the JS CPU backend) the control trains in a
 * worker thread beside the distillation (src/ml/distill/in-thread.ts): the same kernels on the
 * same inputs, so the same weights, in about half the wall time on a machine with a second
 * core. On a GPU, or threaded WASM, the two run one after the other: two would only contend.
 */
import { NodeError } from '../../artifacts/errors.js';
import type { NodeInputs } from '../../artifacts/inputs.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { OutputManifests } from '../../artifacts/types.js';
import type { TensorData } from '../../artifacts/types.js';
import { asModelManifest, manifestParameterCount, type ModelManifest } from '../../ml/bert/manifest.js';
import { BertClassifier } from '../../ml/bert/model.js';
import { loadModel, storeModel } from '../../ml/bert/store.js';
import { asDatasetManifest, datasetName, encodeExamples, readSplit, type DatasetManifest } from '../../ml/data/index.js';
import { distill, distillBatches, distillInThread, type ThreadRunResult } from '../../ml/distill/index.js';
import { engineLogits } from '../../ml/engine/index.js';
import { runSplit } from '../../ml/eval/index.js';
import { asCurveManifest, DISTILLATION_FORMAT, splitScore, type DistillationManifest, type DistilledModelScore } from '../../ml/prune/index.js';
import type { Example } from '../../ml/types.js';
import { asTokenizerManifest, loadTokenizer } from '../../ml/tokenizer/index.js';
import type { DistillParams } from '../model.js';
import { useBackend } from './common.js';
import { engineFor, releaseTfjsModel, resolveEngineFor } from './engines.js';
import { evaluateMemo, releaseEvalCache } from './eval-memo.js';
import { checkAgainstMajority } from './majority.js';

/** Backends that compute on one core: a second training gets its own thread (and core). */
const ONE_CORE_BACKENDS = new Set(['wasm', 'cpu']);

async function encodeFor(ctx: NodeContext, model: ModelManifest, examples: readonly Example[]): Promise<{ encoded: ReturnType<typeof encodeExamples>; pad: number }> {
  const t = asTokenizerManifest(model.tokenizer, "the model's tokenizer");
  const tok = await loadTokenizer(ctx, t, { maxLength: Math.min(t.maxLength, model.config.maxPositions) });
  return { encoded: encodeExamples(tok, examples), pad: tok.specialIds.pad };
}

async function scoreOf(ctx: NodeContext, model: ModelManifest, data: DatasetManifest, batchSize: number, engine: DistillParams['engine']): Promise<DistilledModelScore> {
  const on = (split: 'validation' | 'test') => evaluateMemo(ctx, { model, dataset: data, split }, { batchSize, engine });
  const validation = splitScore(await on('validation'));
  const test = splitScore(await on('test'));
  return { layers: [...model.layers], parameters: manifestParameterCount(model), test, validation };
}

export async function runDistill(ctx: NodeContext, p: DistillParams, inputs: NodeInputs): Promise<OutputManifests> {
  const teacherM = inputs.one('teacher', asModelManifest);
  const studentM = inputs.one('student', asModelManifest);
  const data = inputs.one('data', asDatasetManifest);
  const curve = inputs.optional('curve', asCurveManifest);
  for (const [name, m] of [['teacher', teacherM], ['student', studentM]] as const) {
    if (m.labels.join('\u0000') !== data.labels.join('\u0000')) {
      throw new NodeError(`${ctx.nodeId}: the ${name} classifies [${m.labels.join(', ')}] but the dataset's classes are [${data.labels.join(', ')}]`);
    }
  }
  const backend = await useBackend(ctx);
  const examples = await readSplit(ctx, data, 'train');
  if (examples.length === 0) throw new NodeError(`${ctx.nodeId}: the train split is empty`);

  // The teacher, frozen: its eval-mode logits over the train split, once, on the inference
  // engine (the one its evaluations below use, so it is built once).
  const forTeacher = await encodeFor(ctx, teacherM, examples);
  const resolved = await resolveEngineFor(ctx, p.engine);
  const teacher = await engineFor(ctx, teacherM, resolved);
  const zt = (
    await runSplit(engineLogits(teacher, teacherM.layers), forTeacher.encoded, {
      batchSize: p.eval_batch,
      numLabels: teacherM.labels.length,
      padTokenId: forTeacher.pad,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ done, total, message: 'teacher logits' }),
    })
  ).logits;
  // A TF.js teacher (or a TF.js model an earlier node of this worker left loaded) would share
  // the WASM heap with the student's training: free it (the evaluations below load it again).
  // An ONNX Runtime teacher lives outside it and is reused.
  releaseTfjsModel();

  const forStudent = await encodeFor(ctx, studentM, examples);
  // The same batches as model/train's: length-bucketed, a seeded shuffle per epoch.
  const batches = distillBatches(forStudent.encoded, p.batch_size, p.seed, forStudent.pad);
  const trainOpts = { temperature: p.temperature, epochs: p.epochs, lr: p.lr, weightDecay: p.weight_decay, warmup: p.warmup, clip: p.clip, dropout: p.dropout, seed: p.seed };
  const logRun = (label: string, alpha: number, steps: number, seconds: number, epochLoss: number[]): void =>
    ctx.log(`${label}: ${steps} steps in ${seconds.toFixed(1)} s (alpha ${alpha}, T ${p.temperature}); epoch losses ${epochLoss.map((l) => l.toFixed(4)).join(', ')}`);
  let controlProgress = '';
  const train = async (alpha: number, label: string): Promise<ModelManifest> => {
    const student = await loadModel(ctx, studentM);
    try {
      const started = Date.now();
      const r = await distill(student.model, batches, zt, {
        ...trainOpts,
        alpha,
        signal: ctx.signal,
        onProgress: ({ step, total, loss, epoch }) => ctx.progress({ done: step, total, message: `${label} epoch ${epoch + 1} loss ${loss.toFixed(4)}${controlProgress}` }),
      });
      logRun(label, alpha, r.steps, (Date.now() - started) / 1000, r.epochLoss);
      return await storeModel(ctx, student.model, { tokenizer: studentM.tokenizer });
    } finally {
      student.dispose();
    }
  };
  /** Stops the control's thread when the distillation fails (the run aborting stops it too). */
  const stopThread = new AbortController();
  /** The control in a worker thread, started before the distillation so that the two overlap. */
  const controlThread = async (): Promise<ThreadRunResult> => {
    const tensors = new Map<string, TensorData>();
    for (const [name, ref] of Object.entries(studentM.tensors)) tensors.set(name, await ctx.getTensor(ref));
    return distillInThread(
      { ...trainOpts, alpha: 0, backend, config: studentM.config, layers: [...studentM.layers], tensors, encoded: forStudent.encoded, batchSize: p.batch_size, padTokenId: forStudent.pad, teacher: zt },
      { signal: AbortSignal.any([ctx.signal, stopThread.signal]), onProgress: ({ step, total }) => (controlProgress = `; control ${step}/${total}`) },
    );
  };
  const storeTrained = async (run: ThreadRunResult): Promise<ModelManifest> => {
    logRun('control', 0, run.result.steps, run.seconds, run.result.epochLoss);
    const model = BertClassifier.fromHF(studentM.config, run.tensors, { layers: [...studentM.layers], source: `${ctx.nodeId}: the control` });
    try {
      return await storeModel(ctx, model, { tokenizer: studentM.tokenizer });
    } finally {
      model.dispose();
    }
  };
  // Threaded WASM (an explicit --wasm-threads N; auto gives this node 1) already spreads one
  // training over the cores.
  const parallel = p.control && ONE_CORE_BACKENDS.has(backend) && ctx.compute.wasmThreads <= 1;
  const pending = parallel ? controlThread() : undefined;
  // Observed at once, so that a thread failing while the distillation runs is no unhandled rejection.
  pending?.catch(() => undefined);
  let distilledM: ModelManifest;
  try {
    distilledM = await train(p.alpha, 'distil');
  } catch (e) {
    stopThread.abort(e);
    throw e;
  }
  let controlM: ModelManifest | undefined;
  if (pending) {
    let run: ThreadRunResult;
    try {
      run = await pending;
    } catch (e) {
      throw new NodeError(`${ctx.nodeId}: the control's training thread failed: ${(e as Error).message}`);
    }
    controlM = await storeTrained(run);
  } else if (p.control) {
    controlM = await train(0, 'control');
  }

  try {
    const out: DistillationManifest = {
      format: DISTILLATION_FORMAT,
      dataset: datasetName(data),
      strategy: curve?.strategy ?? null,
      teacher: await scoreOf(ctx, teacherM, data, p.eval_batch, p.engine),
      student: await scoreOf(ctx, studentM, data, p.eval_batch, p.engine),
      distilled: await scoreOf(ctx, distilledM, data, p.eval_batch, p.engine),
      control: controlM ? await scoreOf(ctx, controlM, data, p.eval_batch, p.engine) : null,
      params: { temperature: p.temperature, alpha: p.alpha, epochs: p.epochs, lr: p.lr, batch_size: p.batch_size, warmup: p.warmup, seed: p.seed },
    };
    const row = (name: string, s: DistilledModelScore | null): void => {
      if (s) ctx.log(`${name.padEnd(9)} ${s.layers.length} layers, ${s.parameters} parameters: validation ${s.validation.accuracy.toFixed(4)}, test ${s.test.accuracy.toFixed(4)}`);
    };
    row('teacher', out.teacher);
    row('student', out.student);
    row('distilled', out.distilled);
    row('control', out.control);
    await checkAgainstMajority(ctx, distilledM, data, 'the distilled model', { accuracy: out.distilled.validation.accuracy });
    if (controlM && out.control) await checkAgainstMajority(ctx, controlM, data, 'the control (hard labels only)', { accuracy: out.control.validation.accuracy });
    return { model: distilledM, distillation: out };
  } finally {
    releaseEvalCache();
  }
}

/**
 * Writing FilesManifests out of the store: published output ports into
 * `results/<pipeline>/<node id>/` on every run, and files restored to their paths on a hit.
 * A file whose bytes already match is left alone, so a warm rerun rewrites nothing.
 */
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FilesManifest, NodeType } from '../artifacts/index.js';
import { assertWritable, isInside } from '../confined-path.js';
import { copyFileAtomic } from './atomic-write.js';
import type { OutputRecord } from './cache.js';
import { fileHasDigest } from './hash-file.js';
import { isBlobRef } from './refs.js';

export function isFilesManifest(m: unknown): m is FilesManifest {
  if (typeof m !== 'object' || m === null) return false;
  const files = (m as { files?: unknown }).files;
  return typeof files === 'object' && files !== null && Object.values(files).every(isBlobRef);
}

/** Where writes must stay: `root` (the pipeline folder, results/) and who is writing, for messages. */
export interface Confinement {
  root: string;
  who: string;
}

/**
 * Write every file of a FilesManifest under `baseDir` (keys are relative paths), never outside
 * `confine.root` and never through a link that leads out of it (a restored output folder
 * replaced by a link must not make a cache hit write elsewhere). Returns the number of files
 * actually (re)written.
 */
export async function writeFilesManifest(m: FilesManifest, baseDir: string, blobPath: (digest: string) => string, confine: Confinement): Promise<number> {
  let written = 0;
  for (const [rel, ref] of Object.entries(m.files)) {
    const target = resolve(baseDir, rel);
    await assertWritable(confine.root, target, confine.who);
    if (await fileHasDigest(target, ref.$blob, ref.size)) continue;
    await mkdir(dirname(target), { recursive: true });
    // Objects are read-only in spirit; copies given to users must be writable.
    await copyFileAtomic(blobPath(ref.$blob), target, ref.$blob);
    await chmod(target, 0o644).catch(() => undefined);
    written++;
  }
  return written;
}

/**
 * Materialize a node's published ports into `<resultsDir>/<pipeline>/<node id>/` (one port:
 * its files directly there; several: one subfolder per port). Stale files from an earlier run
 * are removed so the folder is exactly the outputs.
 */
export async function materializePublished(
  type: NodeType<never>,
  outputs: Record<string, OutputRecord>,
  resultsDir: string,
  pipeline: string,
  nodeId: string,
  blobPath: (digest: string) => string,
): Promise<string | undefined> {
  const ports = Object.entries(type.outputs).filter(([, d]) => d.publish);
  if (ports.length === 0) return undefined;
  const nodeDir = join(resultsDir, pipeline, nodeId);
  const who = `node ${nodeId}: results`;
  if (!isInside(resultsDir, nodeDir)) throw new Error(`results: node id ${nodeId} escapes ${resultsDir}`);
  // Stale files are deleted below: the folder itself must not be reached through a link out of results/.
  await assertWritable(resultsDir, join(nodeDir, '.probe'), who);
  const wanted = new Set<string>();
  for (const [port] of ports) {
    const m = outputs[port]?.manifest;
    if (!isFilesManifest(m)) throw new Error(`node ${nodeId}: published port '${port}' does not hold a files manifest`);
    const dir = ports.length === 1 ? nodeDir : join(nodeDir, port);
    for (const rel of Object.keys(m.files)) {
      const target = resolve(dir, rel);
      if (!isInside(nodeDir, target)) throw new Error(`node ${nodeId}: published file '${rel}' escapes ${nodeDir}`);
      wanted.add(target);
    }
    await writeFilesManifest(m, dir, blobPath, { root: resultsDir, who });
  }
  await removeExtra(nodeDir, wanted);
  return nodeDir;
}

async function removeExtra(dir: string, wanted: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await removeExtra(p, wanted);
    else if (!wanted.has(p)) await rm(p, { force: true });
  }
}

/**
 * Streaming sha256 of files, for the places that compare a file on disk with a digest: input
 * files in keys, objects in `cache verify`, restored and materialized copies, corrupt objects.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Whether `path` is a file holding exactly the bytes of `digest` (the size check is the cheap first test). */
export async function fileHasDigest(path: string, digest: string, size?: number): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isFile() || (size !== undefined && st.size !== size)) return false;
  } catch {
    return false;
  }
  return (await sha256File(path)) === digest;
}

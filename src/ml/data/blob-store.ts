/**
 * The part of the executor's store that src/ml needs, declared structurally so src/ml imports
 * nothing outside itself (a NodeContext satisfies it).
 */
export interface BlobRefLike {
  $blob: string;
  size: number;
}

export interface BlobStore {
  putBytes(bytes: Uint8Array): Promise<BlobRefLike>;
  getBytes(ref: BlobRefLike): Promise<Uint8Array>;
}

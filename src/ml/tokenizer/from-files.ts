/**
 * A tokenizer from a Hugging Face checkpoint's files: tokenizer.json when present (it is what
 * the fast tokenizer uses), else vocab.txt with tokenizer_config.json's casing (BERT's default:
 * lowercase).
 */
import { TokenizerError } from './errors.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { badUtf8Message, decodeUtf8 } from '../../artifacts/utf8.js';
import { bertTokenizerJson, parseVocabTxt } from './bert-json.js';
import { BertTokenizer } from './bert-tokenizer.js';

export interface TokenizerFiles {
  vocabTxt?: string;
  tokenizerJson?: string;
  tokenizerConfig?: string;
}

export interface TokenizerFromFilesOptions {
  /** Default: tokenizer_config.json's model_max_length when at most 100,000, else 512. */
  maxLength?: number;
  /** Override casing for vocab.txt (default: tokenizer_config.json's do_lower_case, else true). */
  lowercase?: boolean;
}

/** A text file, strictly UTF-8 (a Latin-1 vocab.txt would otherwise load with U+FFFD tokens). */
async function readText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new TokenizerError(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) throw new TokenizerError(badUtf8Message(path, decoded.bad));
  return decoded.text;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  const text = await readText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TokenizerError(`${path}: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TokenizerError(`${path}: not a JSON object`);
  return json as Record<string, unknown>;
}

/** A directory holding tokenizer.json and/or vocab.txt (and optionally tokenizer_config.json), or the files named. */
export async function tokenizerFromFiles(source: string | TokenizerFiles, opts: TokenizerFromFilesOptions = {}): Promise<BertTokenizer> {
  let files: TokenizerFiles;
  if (typeof source === 'string') {
    const at = (f: string): string | undefined => (existsSync(join(source, f)) ? join(source, f) : undefined);
    files = { tokenizerJson: at('tokenizer.json'), vocabTxt: at('vocab.txt'), tokenizerConfig: at('tokenizer_config.json') };
    if (!files.tokenizerJson && !files.vocabTxt) throw new TokenizerError(`${source}: no tokenizer.json or vocab.txt`);
  } else files = source;
  const config = files.tokenizerConfig ? await readJson(files.tokenizerConfig) : {};
  const configMax = typeof config.model_max_length === 'number' && config.model_max_length <= 100_000 ? config.model_max_length : undefined;
  const maxLength = opts.maxLength ?? configMax ?? 512;
  if (files.tokenizerJson) {
    const json = await readJson(files.tokenizerJson);
    return new BertTokenizer(json, { maxLength, what: files.tokenizerJson });
  }
  if (!files.vocabTxt) throw new TokenizerError('tokenizerFromFiles: give tokenizerJson or vocabTxt');
  const vocab = parseVocabTxt(await readText(files.vocabTxt));
  if (vocab.length === 0) throw new TokenizerError(`${files.vocabTxt}: empty vocabulary`);
  const lowercase = opts.lowercase ?? (typeof config.do_lower_case === 'boolean' ? config.do_lower_case : true);
  const stripAccents = typeof config.strip_accents === 'boolean' ? config.strip_accents : null;
  const json = bertTokenizerJson(vocab, { lowercase, stripAccents }, files.vocabTxt);
  return new BertTokenizer(json, { maxLength, what: files.vocabTxt });
}

/**
 * The SpamAssassin corpus as labelled examples for one of two tasks:
 * - `spam`: every message, labelled `ham` or `spam` by its corpus group;
 * - `lists`: the ham messages delivered through a mailing list, labelled by the list, for the
 *   lists with at least `minPerClass` messages (counted after the drops below); messages
 *   without a list header are left out.
 * A message's text is its scrubbed body (spam-assassin-scrub.ts), the same for both tasks.
 * Dropped, and counted in `stats`: messages whose text is empty after scrubbing (an attachment
 * or a footer alone), and later copies of a text already kept for the task (the corpus holds
 * the same spam, or the same announcement cross-posted, several times; a copy in train and
 * another in test would be memorized, not classified).
 * Class ids: `spam` -> ham 0, spam 1; `lists` -> list names sorted.
 */
import type { SourcedExample } from './examples.js';
import { DataError } from './errors.js';
import { readCorpus, type RawMessage } from './spam-assassin-corpus.js';
import { readMail } from './spam-assassin-mail.js';
import { DEFAULT_MAX_CHARS, scrubBody } from './spam-assassin-scrub.js';

export const SPAM_ASSASSIN_TASKS = ['spam', 'lists'] as const;
export type SpamAssassinTask = (typeof SPAM_ASSASSIN_TASKS)[number];
export const DEFAULT_MIN_PER_CLASS = 100;

/** A message after parsing and scrubbing; `index` is its 0-based place in the package's file list. */
export interface ScrubbedMessage {
  index: number;
  file: string;
  spam: boolean;
  list?: string;
  text: string;
}

export interface SpamAssassinStats {
  /** Messages the task considered (all for `spam`, ham for `lists`). */
  considered: number;
  /** `lists`: ham messages without a list header. */
  noList: number;
  /** `lists`: messages of lists below `minPerClass`, by list. */
  smallLists: Record<string, number>;
  /** Empty after scrubbing. */
  empty: number;
  /** Copies of a text already kept. */
  duplicates: number;
  /** Kept examples per class, in class id order. */
  perClass: number[];
}

export interface SpamAssassinData {
  labels: string[];
  /** `line` is the message's 1-based place in the package's file list. */
  examples: SourcedExample[];
  stats: SpamAssassinStats;
}

export interface SpamAssassinOptions {
  task: SpamAssassinTask;
  minPerClass?: number;
  /** Where to cut a text (characters, at a word boundary); default DEFAULT_MAX_CHARS. */
  maxChars?: number;
}

/** Label scrubbed messages for a task (pure; the part of `loadSpamAssassin` after reading). */
export function labelMessages(messages: readonly ScrubbedMessage[], opts: Omit<SpamAssassinOptions, 'maxChars'>): SpamAssassinData {
  const minPerClass = opts.minPerClass ?? DEFAULT_MIN_PER_CLASS;
  if (!Number.isInteger(minPerClass) || minPerClass < 1) throw new DataError(`spam-assassin: min_per_class must be a positive integer, got ${minPerClass}`);
  const stats: SpamAssassinStats = { considered: 0, noList: 0, smallLists: {}, empty: 0, duplicates: 0, perClass: [] };
  const pool = opts.task === 'lists' ? messages.filter((m) => !m.spam) : [...messages];
  stats.considered = pool.length;
  const seen = new Set<string>();
  const kept: Array<{ m: ScrubbedMessage; name: string }> = [];
  for (const m of pool) {
    let name: string;
    if (opts.task === 'spam') name = m.spam ? 'spam' : 'ham';
    else if (m.list !== undefined) name = m.list;
    else {
      stats.noList++;
      continue;
    }
    if (m.text === '') {
      stats.empty++;
      continue;
    }
    if (seen.has(m.text)) {
      stats.duplicates++;
      continue;
    }
    seen.add(m.text);
    kept.push({ m, name });
  }
  const sizes = new Map<string, number>();
  for (const k of kept) sizes.set(k.name, (sizes.get(k.name) ?? 0) + 1);
  let labels: string[];
  if (opts.task === 'spam') labels = ['ham', 'spam'];
  else {
    labels = [...sizes.keys()].filter((n) => (sizes.get(n) as number) >= minPerClass).sort();
    for (const [n, c] of [...sizes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (c < minPerClass) stats.smallLists[n] = c;
  }
  const present = labels.filter((l) => (sizes.get(l) ?? 0) > 0);
  if (present.length < 2) {
    const biggest = [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, c]) => `${n} ${c}`).join(', ');
    throw new DataError(`spam-assassin: task '${opts.task}' with min_per_class ${minPerClass} leaves ${present.length} class(es); a classifier needs at least two (largest: ${biggest})`);
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  const examples: SourcedExample[] = [];
  for (const { m, name } of kept) {
    const label = index.get(name);
    if (label !== undefined) examples.push({ text: m.text, label, line: m.index + 1 });
  }
  stats.perClass = labels.map((l) => sizes.get(l) ?? 0);
  return { labels, examples, stats };
}

/** Parse and scrub every message of a corpus (the slow part: MIME decoding of 6,046 messages). */
export async function scrubMessages(messages: readonly RawMessage[], maxChars = DEFAULT_MAX_CHARS): Promise<ScrubbedMessage[]> {
  const out: ScrubbedMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const raw = messages[index] as RawMessage;
    let mail;
    try {
      mail = await readMail(raw.bytes);
    } catch (err) {
      throw new DataError(`spam-assassin: cannot parse ${raw.file}: ${(err as Error).message}`);
    }
    const text = scrubBody(mail.body, maxChars);
    out.push({ index, file: raw.file, spam: raw.spam, ...(mail.list !== undefined ? { list: mail.list } : {}), text });
  }
  return out;
}

export interface LoadedSpamAssassin extends SpamAssassinData {
  /** The package version and the corpus digest (the dataset manifest's source). */
  version: string;
  digest: string;
}

interface ScrubbedCorpus {
  version: string;
  digest: string;
  messages: ScrubbedMessage[];
}

// Scrubbed corpora by max_chars, for the life of the process: decoding is the slow part (seconds),
// and a pipeline with both tasks (or a test) asks for the same corpus twice. The package cannot
// change under a running process without a reinstall.
const scrubbedCorpora = new Map<number, Promise<ScrubbedCorpus>>();

function scrubbedCorpus(maxChars: number): Promise<ScrubbedCorpus> {
  let p = scrubbedCorpora.get(maxChars);
  if (!p) {
    p = readCorpus().then(async (c) => ({ version: c.version, digest: c.digest, messages: await scrubMessages(c.messages, maxChars) }));
    void p.catch(() => scrubbedCorpora.delete(maxChars));
    scrubbedCorpora.set(maxChars, p);
  }
  return p;
}

/** Read the installed corpus and label it for a task. */
export async function loadSpamAssassin(opts: SpamAssassinOptions): Promise<LoadedSpamAssassin> {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new DataError(`spam-assassin: max_chars must be a positive integer, got ${maxChars}`);
  const corpus = await scrubbedCorpus(maxChars);
  return { ...labelMessages(corpus.messages, opts), version: corpus.version, digest: corpus.digest };
}

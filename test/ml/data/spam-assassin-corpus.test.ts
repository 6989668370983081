/**
 * The whole shipped corpus through the parser and scrubber: nothing that gives the label away
 * survives. The patterns here are written independently of the scrubber's rules (they are
 * what a reader would search for), and are checked on every produced text of both tasks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCorpus, type Corpus } from '../../../src/ml/data/spam-assassin-corpus.js';
import { labelMessages, scrubMessages, type ScrubbedMessage, type SpamAssassinData } from '../../../src/ml/data/spam-assassin.js';

/** Per list: its names, addresses, URLs and subject tags as they appear in its raw messages. */
const LIST_LEAKS: Record<string, RegExp[]> = {
  fork: [/fork@/i, /xent\.com\/(mailman|pipermail)/i, /\bFoRK\b/, /\[fork\]/i],
  ilug: [/\bilug/i, /linux\.ie\/mailman/i, /Irish Linux Users/i, /listmaster@/i],
  'rpm-list': [/rpm-(zzz)?list/i, /lists\.freshrpms\.net/i, /freshrpms\.net\/mailman/i],
  'razor-users': [/razor-users/i, /lists\.sourceforge\.net/i],
  'spamassassin-talk': [/spamassassin-talk/i, /\bSAtalk\b/i, /lists\.sourceforge\.net/i],
  'exmh-workers': [/exmh-workers/i, /listman\.redhat\.com/i],
  'exmh-users': [/exmh-users/i, /listman\.redhat\.com/i],
  zzzzteana: [/zzzzteana/i, /forteana/i, /yahoogroups|egroups/i, /\[Non-text portions/i],
};

/** Footers of list software and MIME residue, in any text. */
const FOOTER_MARKERS: RegExp[] = [
  /[\w-]+ mailing list\s+[\w.-]+@/i, // Mailman: "Exmh-workers mailing list Exmh-workers@redhat.com"
  /listinfo/i,
  /_{10,}/,
  /sf\.net email is sponsored/i,
  /thinkgeek\.com\/sf|inphonic\.com|jabber\.com\/osdn|seeker\.dice\.com|osdn\.com\/911/i,
  /Yahoo! Groups/i,
  /click\.yahoo\.com/i,
  /~->/,
  /\(un\)subscription information/i,
  /To unsubscribe from this (group|list)/i,
  /NextPart_|--=_|==_Exmh/,
  /BEGIN PGP SIGNATURE/,
];

const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]*\w/;

let corpus: Corpus;
let scrubbed: ScrubbedMessage[];
let lists: SpamAssassinData;
let spam: SpamAssassinData;

before(async () => {
  corpus = await readCorpus();
  scrubbed = await scrubMessages(corpus.messages);
  lists = labelMessages(scrubbed, { task: 'lists' });
  spam = labelMessages(scrubbed, { task: 'spam' });
});

void test('the package ships 6,046 messages: 4,150 ham, 1,896 spam', () => {
  assert.equal(corpus.messages.length, 6046);
  assert.equal(corpus.messages.filter((m) => m.spam).length, 1896);
  assert.match(corpus.version, /^\d+\.\d+\.\d+/);
  assert.match(corpus.digest, /^[0-9a-f]{64}$/);
});

void test('lists task: the eight lists with at least 100 messages', () => {
  assert.deepEqual(lists.labels, ['exmh-users', 'exmh-workers', 'fork', 'ilug', 'razor-users', 'rpm-list', 'spamassassin-talk', 'zzzzteana']);
  for (const [i, c] of lists.stats.perClass.entries()) assert.ok(c >= 100, `${lists.labels[i]}: ${c}`);
  assert.equal(spam.labels.length, 2);
  assert.ok(spam.stats.perClass.every((c) => c > 1000));
});

void test('no list name, address, URL, tag or footer survives in any text', () => {
  const all = [...lists.examples, ...spam.examples];
  const hits: string[] = [];
  const patterns = [...Object.entries(LIST_LEAKS).flatMap(([list, res]) => res.map((re) => ({ re, what: list }))), ...FOOTER_MARKERS.map((re) => ({ re, what: 'footer' }))];
  for (const e of all) {
    for (const { re, what } of patterns) {
      const m = re.exec(e.text);
      if (m) hits.push(`message ${e.line} (${what}): ...${e.text.slice(Math.max(0, m.index - 40), m.index + 40)}...`);
    }
    const addr = EMAIL.exec(e.text);
    if (addr) hits.push(`message ${e.line} (address): ${addr[0]}`);
  }
  assert.deepEqual(hits.slice(0, 20), [], `${hits.length} hit(s)`);
});

void test("no message's own header survives in its text", () => {
  const byIndex = new Map(spam.examples.map((e) => [e.line - 1, e.text]));
  const hits: string[] = [];
  corpus.messages.forEach((m, i) => {
    const text = byIndex.get(i);
    if (text === undefined) return;
    const head = Buffer.from(m.bytes).toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
    // Values no body repeats unless the header leaked: the Message-ID, the relays' queue ids
    // and a subject's list tag.
    const values = [
      /^Message-I[Dd]:\s*<([^>]{8,})>/im.exec(head)?.[1],
      ...[...head.matchAll(/^Received:[^\n]*(?:\n[ \t][^\n]*)*?\bid\s+([\w.-]{8,})/gim)].map((r) => r[1]),
      /^Subject:[ \t]*(?:Re:\s*)?(\[[^\]]+\])/im.exec(head)?.[1],
    ];
    for (const v of values) if (v && text.includes(v)) hits.push(`${m.file}: '${v}'`);
  });
  assert.deepEqual(hits.slice(0, 20), [], `${hits.length} hit(s)`);
});

void test('texts are non-empty, unique per task and at most 2,000 characters', () => {
  for (const d of [lists, spam]) {
    const texts = d.examples.map((e) => e.text);
    assert.equal(new Set(texts).size, texts.length);
    assert.ok(texts.every((t) => t.length > 0 && t.length <= 2000));
  }
});

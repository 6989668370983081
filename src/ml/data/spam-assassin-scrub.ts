/**
 * A decoded message body -> the text a classifier may see: nothing that names the mailing list
 * it came through, no header, no MIME residue. Pure string functions.
 *
 * Steps, in order (each step's rules are listed where it is defined):
 * 1. Lines: newlines normalized, control characters dropped, quote markers (`> `, `| `,
 *    `Chris> `) removed, so a footer quoted in a reply is recognized like the message's own.
 * 2. Blocks deleted whole (`FOOTER_BLOCKS`): list-software footers (Mailman, SourceForge
 *    sponsor blocks, Yahoo! Groups sponsor blocks), PGP armor, Yahoo!'s quoting line.
 * 3. Lines deleted: header lines, including the header block of a forwarded or quoted message
 *    (`headerLines`); MIME boundaries, base64 and uuencoded lines, lines without a letter or
 *    digit (`isNoiseLine`); a leftover "<List> mailing list" line.
 * 4. Within the text (`scrubInline`): every e-mail address, every URL or host name of a list
 *    server or list sponsor, the names, phrases and subject tags of the lists
 *    (spam-assassin-lists.ts), footer phrases, the corpus's anonymization tokens (`zzzz...`),
 *    runs of a repeated punctuation character.
 * 5. Whitespace collapsed to single spaces; the result cut at `maxChars` at a word boundary.
 */
import { LIST_NAME_WORDS, LIST_PHRASES, LIST_URL_PATTERNS } from './spam-assassin-lists.js';

/**
 * Default cut of a text, in characters: about 400 WordPiece tokens of mail, well past the 128
 * tokens a small model reads, and it keeps a stored split small (the longest bodies are
 * hundreds of kilobytes of forwarded digests).
 */
export const DEFAULT_MAX_CHARS = 2000;

// A quote marker: `>`, `+>`, `|` or a poster's initials or name before `>` (`BM>`, `Chris>`), repeated.
const QUOTE = /^(?:[ \t]*(?:[A-Za-z]{1,10}>|\+?>|\|(?=\s)))+[ \t]?/;

/** Header names whose lines never belong to a body's own text (leading whitespace allowed: exmh indents quoted headers). */
const HEADER_LINE =
  /^[ \t]*(?:Received|Return-Path|Delivered-To|Envelope-To|X-[\w-]+|List-[\w-]+|Errors-To|Precedence|MIME-Version|Content-[\w-]+|Message-I[Dd]|In-Reply-To|References|Sender|Resent-[\w-]+|Reply-To|Mailing-List|Thread-[\w-]+|Importance|Organi[sz]ation|User-Agent|Return-Receipt-To|Disposition-Notification-To):[ \t]/i;
/** Headers that also start ordinary lines ("To: all"): removed only next to another header line. */
const ADDRESS_HEADER = /^[ \t]*(?:From|To|Cc|Bcc|Date|Sent|Subject):[ \t]/i;
const MBOX_FROM = /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) /;
/** Folded header lines: at most this many continuation lines go with a header line. */
const MAX_CONTINUATIONS = 4;

const BASE64_LINE = /^[A-Za-z0-9+/]{40,}={0,2}$/;
const UUENCODE_LINE = /^M[\x21-\x60]{59,61}$/;
const MIME_BOUNDARY = /^--[\w'()+,./:=?-]{6,}$/;
/** A MIME boundary inside a line (`--==_Exmh_267413022P`, `------=_NextPart_000_...`). */
const INLINE_BOUNDARY = /(?<!-)--+=?=_[\w.=+-]*/g;
const NO_WORD = /^[^\p{L}\p{N}]*$/u;

/** Addresses, with `mailto:` and angle brackets; the host may be cut short as Yahoo! prints it (`name@y...`). */
// A lookbehind in a pattern that starts with a repeated class (`(?<!-)-{2,}`, the token start
// below) lets a match start only where a run starts: without it a long run with no match in it
// is rescanned from each of its characters, quadratic on a 100 kB line of dashes.
const EMAIL = /(?<![\w.+'=-])<?(?:mailto:[ \t]*)?[\w.+'=-]+@[\w-]+(?:\.[\w-]*)*>?/gi;
const URL = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'()[\]{}]+/gi;
/** Bare host names of list servers (`lists.sourceforge.net`), without a scheme. */
const LIST_HOST = /\b(?:lists?|listman|listserv|mailman)\.[\w-]+(?:\.[\w-]+)+\S*/gi;
/** The corpus replaced its owners' names and addresses by `zzzz`/`yyyy` tokens, mostly in spam. */
const ANONYMIZED = /(?<!\S)\S*(?:zzzz|yyyy)\S*/gi;
const PUNCTUATION_RUN = /([_=*#~+<>-])\1{4,}/g;

/**
 * Footer blocks of list software, PGP armor and Yahoo!'s quoting line, matched on the unquoted
 * text with newlines kept. Whitespace in a block matches any whitespace, so a footer that a mail
 * client wrapped or joined into one line (it happens in multipart messages) still matches; the
 * address and URL lines that follow a footer go with every address and list URL (step 4).
 */
const FOOTER_BLOCKS: readonly RegExp[] = [
  // SourceForge: "-----" / "This sf.net email is sponsored by: <ad>" up to the Mailman separator.
  /(?:(?<!-)-{10,}\s*)?This\s+SF\.net\s+email\s+is\s+sponsored\s+by[\s\S]{0,600}?(?=_{10}|\n[ \t]*\n|$)/gi,
  // Yahoo! Groups: "---- Yahoo! Groups Sponsor ----~-->" <ad> "-----~->".
  /Yahoo!\s+Groups\s+Sponsor[\s\S]{0,2500}?~->/gi,
  // Any sponsor block: "-----" / up to four lines / the Mailman footer ("In remembrance" ads had no "sponsored by").
  /(?<!-)-{10,}[ \t]*\n(?:[ \t]*\S[^\n]*\n){1,4}?[ \t]*_{10,}\s*[A-Za-z0-9][\w.-]{0,60}\s+(?:mailing\s+list|maillist)\b(?:[ \t]*<[^>\n]*>)?/gi,
  // Mailman: "_____" / "<List> mailing list [<address>]".
  /(?<!_)_{10,}\s*[A-Za-z0-9][\w.-]{0,60}\s+(?:mailing\s+list|maillist)\b(?:[ \t]*<[^>\n]*>)?/gi,
  /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/g,
  /-----BEGIN PGP SIGNED MESSAGE-----(?:\s*Hash:[ \t]*\S+)?/g,
  // Yahoo! Groups' web quoting: "--- In listname@y..., Name wrote:".
  /(?<!-)-{2,}[ \t]*In[ \t]+[\w.-]*@[\w.-]*,?/gi,
];

/** Phrases of list footers that survive as words once their block is broken up. */
const FOOTER_PHRASES: readonly RegExp[] = [
  /This\s+sf\.net\s+email\s+is\s+sponsored\s+by:?/gi,
  /for\s+\(un\)subscription\s+information\.?/gi,
  /List\s+maintainer:?/gi,
  /To\s+unsubscribe\s+from\s+this\s+(?:group|list)[^.:\n]*[.:]?/gi,
  /Your\s+use\s+of\s+Yahoo!\s+Groups\s+is\s+subject\s+to/gi,
  /\[Non-text\s+portions\s+of\s+this\s+message\s+have\s+been\s+removed\]/gi, // Yahoo! Groups' note
  /This\s+is\s+a\s+multi-part\s+message\s+in\s+MIME\s+format\.?/gi,
];

/** List names anywhere, even inside a word (`CafeForteana`), with their tag brackets; longest first. */
const NAME_WORDS = new RegExp(
  `\\[?(?:${[...LIST_NAME_WORDS]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})\\]?`,
  'gi',
);

/** Remove quote markers from the start of a line. */
export function unquote(line: string): string {
  return line.replace(QUOTE, '');
}

/** A line that only names a list the way Mailman's footer does ("Exmh-workers mailing list"). */
export function isListFooterName(line: string): boolean {
  return /^[\w.-]+\s+(?:mailing\s+list|maillist)\b(?:\s+<[^>]*>|\s+-\s+\S+)?\s*$/i.test(line.trim());
}

/** Delete list-software footers and PGP armor from unquoted text. */
export function removeFooterBlocks(text: string): string {
  let t = text;
  for (const re of FOOTER_BLOCKS) t = t.replace(re, '\n');
  return t;
}

/**
 * Indices of header lines: transport and list headers anywhere (with up to
 * `MAX_CONTINUATIONS` indented continuation lines), and address headers (From, To, Subject...)
 * next to another header line, as in a forwarded message's header block or a quoted Outlook
 * header.
 */
export function headerLines(lines: readonly string[]): Set<number> {
  const drop = new Set<number>();
  const isHeader = (l: string): boolean => HEADER_LINE.test(l) || MBOX_FROM.test(l);
  const isAny = (l: string): boolean => isHeader(l) || ADDRESS_HEADER.test(l);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    const here = isHeader(l) || (ADDRESS_HEADER.test(l) && (drop.has(i - 1) || isAny(lines[i - 1] ?? '') || isAny(lines[i + 1] ?? '')));
    if (!here) continue;
    drop.add(i);
    const indent = /^[ \t]*/.exec(l)?.[0].length ?? 0;
    for (let k = 0; k < MAX_CONTINUATIONS && i + 1 < lines.length; k++) {
      const next = lines[i + 1] as string;
      const nextIndent = /^[ \t]*/.exec(next)?.[0].length ?? 0;
      if (next.trim() === '' || nextIndent <= indent || isAny(next)) break;
      drop.add(++i);
    }
  }
  return drop;
}

/** A line that is MIME or encoding residue, or has no word in it. */
export function isNoiseLine(line: string): boolean {
  const t = line.trim();
  return (
    NO_WORD.test(t) ||
    BASE64_LINE.test(t) ||
    UUENCODE_LINE.test(t) ||
    MIME_BOUNDARY.test(t) ||
    /^begin [0-7]{3,4} \S+$/.test(t) ||
    /^(?:Hash|Version|Comment):\s/.test(t) || // PGP armor headers outside a complete block
    isListFooterName(t)
  );
}

/** Step 4: remove addresses, list URLs and hosts, list names and tags, footer phrases. */
export function scrubInline(text: string): string {
  let t = text.replace(EMAIL, ' ');
  t = t.replace(URL, (u) => (LIST_URL_PATTERNS.some((re) => re.test(u)) ? ' ' : u));
  t = t.replace(LIST_HOST, ' ');
  for (const re of FOOTER_PHRASES) t = t.replace(re, ' ');
  for (const re of LIST_PHRASES) t = t.replace(re, ' ');
  t = t.replace(NAME_WORDS, ' ');
  t = t.replace(ANONYMIZED, ' ').replace(INLINE_BOUNDARY, ' ');
  return t.replace(PUNCTUATION_RUN, ' ');
}

/** Cut at most `maxChars` characters, at the last whitespace before the limit when there is one. */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return (space > maxChars / 2 ? cut.slice(0, space) : cut).trimEnd();
}

/** The whole scrub (steps 1-5 above); '' when nothing is left. */
export function scrubBody(body: string, maxChars = DEFAULT_MAX_CHARS): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const normalized = body.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b\ufeff]/g, '');
  const unquoted = normalized.split('\n').map(unquote).join('\n');
  const lines = removeFooterBlocks(unquoted).split('\n');
  const headers = headerLines(lines);
  const kept = lines.filter((l, i) => !headers.has(i) && !isNoiseLine(l));
  const text = scrubInline(kept.join('\n')).replace(/\s+/g, ' ').trim();
  return truncateText(text, maxChars);
}

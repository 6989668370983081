/**
 * One raw RFC 822 message -> the mailing list it came through (from its headers) and its body
 * as plain text. MIME structure, transfer encodings (base64, quoted-printable) and charsets are
 * decoded by postal-mime; HTML bodies are turned into text by html-to-text. Non-text parts and
 * attachments are dropped. The headers are read for the list and never reach the text.
 *
 * Two repairs for what senders mislabelled (about 1% of the corpus, mostly spam): a plain-text
 * body that is quoted-printable without saying so is decoded, and one that is HTML is converted.
 */
import { convert } from 'html-to-text';
import PostalMime from 'postal-mime';
import { listClassName } from './spam-assassin-lists.js';

export interface MailText {
  /** Class name of the list (spam-assassin-lists.ts `listClassName`); absent: no list header. */
  list?: string;
  /** The body as text: the plain-text part, else the HTML part as text; '' when neither. */
  body: string;
}

const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
};

/**
 * The list a message was delivered through: RFC 2919 `List-Id: Description <name.host>` (the
 * first label of the id), else an ezmlm / Yahoo! Groups `Mailing-List: list name@host; ...` or
 * `Mailing-List: contact name-help@host; run by ezmlm`.
 */
export function listFromHeaders(headers: ReadonlyArray<{ key: string; value: string }>): string | undefined {
  const get = (k: string): string | undefined => headers.find((h) => h.key === k)?.value.trim();
  const listId = get('list-id');
  if (listId) {
    const id = /<([^>]+)>/.exec(listId)?.[1] ?? listId.split(/\s+/).pop() ?? '';
    const name = id.split('.')[0];
    if (name) return listClassName(name);
  }
  const ml = get('mailing-list');
  if (ml) {
    const m = /^list\s+([^@\s;]+)@/i.exec(ml) ?? /^contact\s+([^@\s;]+?)-help@/i.exec(ml);
    if (m?.[1]) return listClassName(m[1]);
  }
  return undefined;
}

/** Quoted-printable text not declared as such: soft line breaks or several `=3D`/`=20` escapes. */
export function looksQuotedPrintable(text: string): boolean {
  const escapes = text.match(/=[0-9A-F]{2}/g)?.length ?? 0;
  return escapes >= 3 && (/=\r?\n/.test(text) || /=3D|=20/.test(text));
}

/**
 * Decode quoted-printable text (RFC 2045 6.7): soft line breaks removed, `=XX` escapes turned
 * into bytes, read as UTF-8 when valid, else as Windows-1252. Written here because postal-mime
 * decodes only the parts that declare the encoding and does not export its decoder.
 */
export function decodeQuotedPrintable(text: string): string {
  const src = new TextEncoder().encode(text.replace(/=\r?\n/g, ''));
  const out = new Uint8Array(src.length);
  const hex = (b: number | undefined): number =>
    b === undefined ? -1 : b >= 48 && b <= 57 ? b - 48 : b >= 65 && b <= 70 ? b - 55 : b >= 97 && b <= 102 ? b - 87 : -1;
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const hi = src[i] === 61 ? hex(src[i + 1]) : -1; // '='
    const lo = hi >= 0 ? hex(src[i + 2]) : -1;
    if (lo >= 0) {
      out[n++] = hi * 16 + lo;
      i += 2;
    } else out[n++] = src[i] as number;
  }
  const bytes = out.subarray(0, n);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** HTML sent as text/plain: an `<html>` or `<body>` tag, or several block tags. */
export function looksHtml(text: string): boolean {
  return /<(?:html|body)\b/i.test(text) || (text.match(/<(?:p|br|div|table|tr|td|font)\b[^>]*>/gi)?.length ?? 0) >= 5;
}

export async function readMail(raw: Uint8Array): Promise<MailText> {
  const email = await PostalMime.parse(raw);
  const list = listFromHeaders(email.headers);
  let body = email.text ?? '';
  if (body.trim() === '' && email.html) body = email.html;
  if (looksQuotedPrintable(body)) body = decodeQuotedPrintable(body);
  if ((body === email.html && body !== undefined) || looksHtml(body)) body = convert(body, HTML_OPTIONS);
  return list === undefined ? { body } : { list, body };
}

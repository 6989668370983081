/**
 * What identifies a mailing list of the SpamAssassin corpus in a message, and so would give the
 * `lists` label away: the list's names as posters and the list software write them, its subject
 * tags, and the hosts of its addresses and web pages. One table, read by the scrubber
 * (spam-assassin-scrub.ts) and by the class naming below.
 *
 * The corpus is fixed (it ships in an npm package), so the table is written out from it: every
 * list with a List-Id or Mailing-List header and more than a handful of messages, not only the
 * seven that pass the default `min_per_class` of 100, so a lower threshold still gets scrubbed
 * texts. Lists below ~10 messages are covered by the generic rules only (list-software footers,
 * every e-mail address, every list-server URL).
 */

/** The corpus anonymized some names (`rpm-list` became `rpm-zzzlist`); classes use the real ones. */
const CLASS_ALIASES: Readonly<Record<string, string>> = { 'rpm-zzzlist': 'rpm-list' };

/** The class name of a list as its header gives it (List-Id's first label, or ezmlm's list name). */
export function listClassName(rawName: string): string {
  const n = rawName.toLowerCase();
  return CLASS_ALIASES[n] ?? n;
}

/**
 * Words that name a list wherever they appear (whole words, any case): list names as the list
 * software writes them (`Exmh-workers mailing list`), subject tags (`[SAtalk]`) and the
 * groups' own names. A list whose name is an ordinary word (`fork`, `social`, `webdev`,
 * `updates`) is not here: removing the word would damage ordinary text, so only its tagged or
 * addressed forms are (`LIST_PHRASES`, URLs, addresses).
 */
export const LIST_NAME_WORDS: readonly string[] = [
  'exmh-workers',
  'exmh-users',
  'exmh-announce',
  'razor-users',
  'razor-announce',
  'spamassassin-talk',
  'spamassassin-devel',
  'spamassassin-commits',
  'spamassassin-sightings',
  'sitescooper-talk',
  'webmake-talk',
  'rpm-list',
  'rpm-zzzlist',
  'zzzzteana',
  'forteana',
  'ilug',
  'ilug-social',
  'satalk',
  'sadev',
  'sacvs',
  'crackmice',
  'secprog',
  'vulnwatch',
  'ntknow',
];

/**
 * Phrases that name a list but are made of ordinary words, matched case-sensitively or in a form
 * that ordinary text does not use. Whitespace in a phrase matches any run of whitespace (the
 * phrase may be wrapped across quoted lines).
 */
export const LIST_PHRASES: readonly RegExp[] = [
  /\bFoRK(ers?)?\b/g, // the list's own spelling; the word "fork" is left alone
  /\[(FoRK|IIU|Webdev|WM|SA|scoop|IRR|Spambayes|ILUG-Social)\]/gi, // subject tags
  /\bIrish\s+Linux\s+Users'?\s+Group\b:?/gi,
  /\bYahoo!?\s+Groups?\b/gi,
  /\b(e|Yahoo)groups\b/gi,
];

/**
 * URL hosts and paths of list servers, archives and list sponsors (a URL matching any is removed
 * whole). Generic list-server paths cover lists the table does not name.
 */
export const LIST_URL_PATTERNS: readonly RegExp[] = [
  /mailman|listinfo|pipermail|listserv|majordomo|ezmlm/i,
  /(^|[/.@])lists?\.|\/lists?\//i, // lists.sourceforge.net, lists.freshrpms.net, .../lists/...
  /listman\./i,
  /yahoogroups|egroups|groups\.yahoo|click\.yahoo|docs\.yahoo\.com\/info\/terms/i,
  /thinkgeek\.com\/sf|inphonic\.com\/r\.asp|sourceforge\d?&|osdn\.com|\/sfnet_|ad\.doubleclick\.net/i, // sf.net sponsor lines
  /xent\.com\/(mailman|pipermail)|linux\.ie\/mailman|freshrpms\.net\/mailman/i,
];

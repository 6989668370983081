import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerLines, isNoiseLine, scrubBody, truncateText, unquote } from '../../../src/ml/data/spam-assassin-scrub.js';

// Footers as the corpus's lists append them (copied from its messages).
const MAILMAN = `Since the pick command works, the sequence does get created.

kre

_______________________________________________
Exmh-workers mailing list
Exmh-workers@redhat.com
https://listman.redhat.com/mailman/listinfo/exmh-workers
`;

const SOURCEFORGE = `Razor found the sig but the check still fails.

-------------------------------------------------------
This sf.net email is sponsored by: OSDN - Tired of that same old
cell phone?  Get a new here for FREE!
https://www.inphonic.com/r.asp?r=sourceforge1&refcode1=vs3390
_______________________________________________
Razor-users mailing list
Razor-users@lists.sourceforge.net
https://lists.sourceforge.net/lists/listinfo/razor-users
`;

const ILUG = `lilo works fine with root=/dev/md0 now.

Kate

--
Irish Linux Users' Group: ilug@linux.ie
http://www.linux.ie/mailman/listinfo/ilug for (un)subscription information.
List maintainer: listmaster@linux.ie
`;

const YAHOO = `--- In forteana@y..., "D.McMann" <dmcmann@b...> wrote:
> Robert Moaby, 33, was jailed.

Hmm, circumstantial evidence.

------------------------ Yahoo! Groups Sponsor ---------------------~-->
4 DVDs Free +s&p Join Now
http://us.click.yahoo.com/pt6YBB/NXiEAA/mG3HAA/7gSolB/TM
---------------------------------------------------------------------~->

To unsubscribe from this group, send an email to:
forteana-unsubscribe@egroups.com

Your use of Yahoo! Groups is subject to http://docs.yahoo.com/info/terms/
`;

void test('Mailman, SourceForge, ILUG and Yahoo! footers go, the message stays', () => {
  assert.equal(scrubBody(MAILMAN), 'Since the pick command works, the sequence does get created. kre');
  assert.equal(scrubBody(SOURCEFORGE), 'Razor found the sig but the check still fails.');
  assert.equal(scrubBody(ILUG), 'lilo works fine with root=/dev/md0 now. Kate');
  assert.equal(scrubBody(YAHOO), '"D.McMann" wrote: Robert Moaby, 33, was jailed. Hmm, circumstantial evidence.');
});

void test('a footer quoted in a reply or joined onto one line goes too', () => {
  const quoted = `I agree.\n\n${MAILMAN.split('\n').map((l) => `> ${l}`).join('\n')}`;
  assert.equal(scrubBody(quoted), 'I agree. Since the pick command works, the sequence does get created. kre');
  const joined =
    'Thanks!\n-------------------------------------------------------\nThis sf.net email is sponsored by:ThinkGeek\n' +
    'Welcome to geek heaven.\nhttp://thinkgeek.com/sf _______________________________________________\n' +
    'Spamassassin-talk mailing list Spamassassin-talk@lists.sourceforge.net\nhttps://lists.sourceforge.net/lists/listinfo/spamassassin-talk\n';
  assert.equal(scrubBody(joined), 'Thanks!');
  const ad = 'See you.\n-------------------------------------------------------\nIn remembrance\nwww.osdn.com/911/\n_______________________________________________\nSpamassassin-talk mailing list\n';
  assert.equal(scrubBody(ad), 'See you.');
});

void test('list names, tags, addresses and list URLs go wherever they are', () => {
  const text =
    'Re: [ILUG] [SAtalk] question for rpm-zzzlist and Exmh-Users readers (and CafeForteana fans); ' +
    'mail fork@xent.com or see http://xent.com/mailman/listinfo/fork and lists.sourceforge.net; ' +
    'FoRK rocks, but fork() is a system call; docs at http://www.rpm.org/max-rpm/ stay.';
  assert.equal(
    scrubBody(text),
    'Re: question for and readers (and Cafe fans); mail or see and rocks, but fork() is a system call; docs at http://www.rpm.org/max-rpm/ stay.',
  );
});

void test('header lines go: transport headers anywhere, address headers only in a block', () => {
  const lines = [
    'Forwarded:',
    'Received: from mx1.example.org (mx1 [10.0.0.1])',
    '    by relay.example.org with ESMTP id 4A3E2',
    'From: Someone <a@b.c>',
    'Subject: hello',
    '',
    'To: all readers, this line is text.',
    '',
    '    Date:        Wed, 21 Aug 2002 10:54:46 -0500',
    '    From:        Chris Garrigues',
    '    Message-ID:  <1029945287.4797.TMDA@deepeddy.vircio.com>',
  ];
  assert.deepEqual([...headerLines(lines)].sort((a, b) => a - b), [1, 2, 3, 4, 8, 9, 10]);
});

void test('MIME residue, uuencode and PGP armor go; a line with a word in it stays', () => {
  const body = [
    '-----BEGIN PGP SIGNED MESSAGE-----',
    'Hash: SHA1',
    '',
    'The patch is attached.',
    '------=_NextPart_000_0005_01C25A0C.1E5A8A40',
    'Content-Type: text/plain; charset="iso-8859-1"',
    'Content-Transfer-Encoding: base64',
    '',
    'VGhpcyBpcyBhIGxvbmcgYmFzZTY0IGxpbmUgdGhhdCBzaG91bGQgbmV2ZXIgc3Vydml2ZQ==',
    'begin 644 patch.txt',
    'M5&AI<R!I<R!A(&QO;F<@=75E;F-O9&5D(&QI;F4@=&AA="!S:&]U;&0@;F5V',
    '-----BEGIN PGP SIGNATURE-----',
    'Version: GnuPG v1.0.7 (GNU/Linux)',
    '',
    'iD8DBQE9ZQmTLsrpVkV3zn8RAl3XAJ9eF7D9',
    '=x1Zk',
    '-----END PGP SIGNATURE-----',
  ].join('\n');
  assert.equal(scrubBody(body), 'The patch is attached.');
  assert.ok(isNoiseLine('==========='));
  assert.ok(!isNoiseLine('a = b'));
});

void test('quote markers: >, nested, initials and names, pipes', () => {
  assert.equal(unquote('> > text'), 'text');
  assert.equal(unquote('  Chris> text'), 'text');
  assert.equal(unquote('BM> text'), 'text');
  assert.equal(unquote('| text'), 'text');
  assert.equal(unquote('a > b'), 'a > b');
});

void test('truncation cuts at a word boundary, within the limit', () => {
  assert.equal(truncateText('alpha beta gamma', 100), 'alpha beta gamma');
  assert.equal(truncateText('alpha beta gamma', 12), 'alpha beta');
  assert.equal(truncateText('x'.repeat(50), 10), 'x'.repeat(10));
  const long = scrubBody('word '.repeat(1000), 2000);
  assert.ok(long.length <= 2000 && long.endsWith('word'));
});

void test('nothing left is an empty text', () => {
  assert.equal(scrubBody(MAILMAN.slice(MAILMAN.indexOf('____'))), '');
  assert.equal(scrubBody(''), '');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeQuotedPrintable, listFromHeaders, looksHtml, looksQuotedPrintable, readMail } from '../../../src/ml/data/spam-assassin-mail.js';

const crlf = (lines: string[]): Uint8Array => new TextEncoder().encode(lines.join('\r\n'));
const h = (key: string, value: string): { key: string; value: string } => ({ key, value });

void test('the list comes from List-Id, else from an ezmlm or Yahoo! Mailing-List header', () => {
  assert.equal(listFromHeaders([h('list-id', 'Discussion list for EXMH developers <exmh-workers.spamassassin.taint.org>')]), 'exmh-workers');
  assert.equal(listFromHeaders([h('list-id', '<ilug.linux.ie>')]), 'ilug');
  assert.equal(listFromHeaders([h('list-id', 'Freshrpms RPM discussion list <rpm-zzzlist.freshrpms.net>')]), 'rpm-list', 'anonymized name restored');
  assert.equal(listFromHeaders([h('mailing-list', 'list zzzzteana@yahoogroups.com; contact forteana-owner@yahoogroups.com')]), 'zzzzteana');
  assert.equal(listFromHeaders([h('mailing-list', 'contact vulnwatch-help@vulnwatch.org; run by ezmlm')]), 'vulnwatch');
  assert.equal(listFromHeaders([h('subject', '[ILUG] no list header')]), undefined);
});

void test('a message: headers read for the list, never part of the body; quoted-printable and charset decoded', async () => {
  const raw = new Uint8Array([
    ...crlf([
      'Received: from mx1.example.org by relay id 4A3E2',
      'List-Id: <razor-users.example.sourceforge.net>',
      'Subject: [Razor-users] caf\u00e9',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'The caf=E9 is open; a soft=',
      'break joins.',
      '',
    ]),
  ]);
  const mail = await readMail(raw);
  assert.equal(mail.list, 'razor-users');
  assert.equal(mail.body.trim(), 'The caf\u00e9 is open; a softbreak joins.');
});

void test('multipart: the text part is kept, attachments and other parts dropped; HTML-only becomes text', async () => {
  const multi = crlf([
    'Content-Type: multipart/mixed; boundary="XYZ"',
    '',
    '--XYZ',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'See the attached patch.',
    '--XYZ',
    'Content-Type: application/octet-stream; name="patch.bin"',
    'Content-Disposition: attachment; filename="patch.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    'VGhpcyBpcyBhIGJpbmFyeSBhdHRhY2htZW50IHRoYXQgbXVzdCBub3Qgc3Vydml2ZQ==',
    '--XYZ--',
    '',
  ]);
  const m = await readMail(multi);
  assert.equal(m.list, undefined);
  assert.equal(m.body.trim(), 'See the attached patch.');
  const html = crlf(['Content-Type: text/html', 'Content-Transfer-Encoding: base64', '', Buffer.from('<html><body><p>Buy <b>now</b>!</p><img src="x.gif"></body></html>').toString('base64'), '']);
  assert.equal((await readMail(html)).body.trim(), 'Buy now!');
});

void test('mislabelled bodies: undeclared quoted-printable is decoded, HTML sent as text/plain converted', async () => {
  const qp = 'Offer for=20you =3D great=\nvalue =E2=82=AC';
  assert.ok(looksQuotedPrintable(qp));
  assert.equal(decodeQuotedPrintable(qp), 'Offer for you = greatvalue \u20ac');
  assert.equal(decodeQuotedPrintable('caf=E9'), 'caf\u00e9', 'invalid UTF-8 read as Windows-1252');
  assert.ok(!looksQuotedPrintable('a=b and x=1, y=2'));
  assert.ok(looksHtml('<html><body>x</body></html>'));
  assert.ok(!looksHtml('use <b> for bold'));
  const raw = crlf(['Content-Type: text/plain', '', '<html><body text=3D"#808080"><p>Click here</p></body></html>', '']);
  assert.equal((await readMail(raw)).body.trim(), 'Click here');
});

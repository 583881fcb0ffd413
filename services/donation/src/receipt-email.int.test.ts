import { newId } from '@aid/contracts';
import { eventually, invoicePaid, newStripeId, succeededWithFee } from '@aid/test-kit';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliverTwice,
  newGift,
  publishedCampaign,
  startDonationForTest,
  type DonationUnderTest,
} from './test-support/donation-under-test.ts';

interface CapturedMail {
  to: string[];
  data: string;
}

const mails: CapturedMail[] = [];
/** Recipients the mail server refuses once (a temporary failure), then accepts. */
const refuseOnce = new Set<string>();
let smtp: SMTPServer;
let smtpPort: number;
let donation: DonationUnderTest;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      if (!refuseOnce.delete(address.address)) return callback();
      return callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  smtpPort = await new Promise<number>((resolve) => {
    smtp.listen(0, '127.0.0.1', () => resolve((smtp.server.address() as { port: number }).port));
  });
  donation = await startDonationForTest({
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    RECEIPT_RETRY_MS: '300',
  });
});

afterAll(async () => {
  await donation?.service.stop();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

const mailsTo = (address: string) => mails.filter((mail) => mail.to.includes(address));

/** The text part of a raw message, decoded from quoted-printable or base64 as nodemailer encoded it. */
function bodyText(raw: string): string {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => `%${hex}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
  }
  return body;
}

describe('emailed receipts', () => {
  it('when a gift succeeds and its webhook comes twice, then one receipt is emailed with the amount, the reference and the receipt code, which the database keeps only sealed', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const email = `donor.${newId()}@example.org`;
    const { donationId, receiptCode } = await newGift(donation, {
      campaignId,
      donor: { email, name: 'Amina Yusuf' },
    });
    await deliverTwice(
      donation,
      succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId: newStripeId('ch') }),
    );
    const [mail] = await eventually(() => {
      const found = mailsTo(email);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail?.data).toContain('$25.00');
    expect(mail?.data).toContain(donationId);
    expect(mail?.data).toContain('Dear Amina Yusuf');
    expect(mail?.data).toContain(`Your receipt code: ${receiptCode}`);
    const stored = JSON.stringify(
      await donation.service.deps.db.collection<{ _id: string }>('donations').findOne({ _id: donationId }),
    );
    expect(stored).not.toContain(receiptCode);
    expect(stored).not.toContain(receiptCode.replaceAll('-', ''));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(mailsTo(email)).toHaveLength(1);
  });

  it('when a monthly gift’s invoice is paid, then its month gets a receipt sent to the plan’s donor', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const email = `monthly.${newId()}@example.org`;
    const { donationId } = await newGift(donation, { campaignId, interval: 'month', donor: { email } });
    const plan = await donation.service.deps.db
      .collection<{ _id: string; subscriptionId?: string }>('donations')
      .findOne({ _id: donationId });
    await deliverTwice(
      donation,
      invoicePaid({
        invoiceId: newStripeId('in'),
        subscriptionId: String(plan?.subscriptionId),
        donationId,
        amount: 1000,
        paidAt: Math.floor(Date.now() / 1000),
      }),
    );
    const [mail] = await eventually(() => {
      const found = mailsTo(email);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail?.data).toContain('monthly gift of $10.00');
  });

  it('when the mail server refuses a receipt at first, then it is sent again later, once, with the same stable Message-ID', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const email = `retry.${newId()}@example.org`;
    refuseOnce.add(email);
    const { donationId } = await newGift(donation, { campaignId, donor: { email } });
    await deliverTwice(
      donation,
      succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId: newStripeId('ch') }),
    );
    const [mail] = await eventually(() => {
      const found = mailsTo(email);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(refuseOnce.has(email)).toBe(false);
    // Long header lines are folded onto the next line.
    expect(mail?.data.replace(/\r\n[ \t]+/g, ' ')).toMatch(
      new RegExp(`Message-ID: <receipt\\.${donationId}@receipts\\.diaspora-aid\\.org>`, 'i'),
    );
    const owed = await donation.service.deps.db
      .collection('receipt_mails')
      .findOne({ _id: `receipt:${donationId}` } as never);
    expect(owed).toMatchObject({ attempts: 2, lastError: null, droppedReason: null });
    expect(owed?.sentAt).toBeInstanceOf(Date);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(mailsTo(email)).toHaveLength(1);
  });

  it('when the donor gave in Somali, then the receipt is written in Somali and says so in Content-Language', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const email = `somali.${newId()}@example.org`;
    const { donationId } = await newGift(donation, {
      campaignId,
      donor: { email, name: 'Faadumo Cali' },
      locale: 'so',
    });
    await deliverTwice(
      donation,
      succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId: newStripeId('ch') }),
    );
    const [mail] = await eventually(() => {
      const found = mailsTo(email);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail?.data).toMatch(/^content-language: so$/im);
    const text = bodyText(mail?.data ?? '');
    expect(text).toContain('Faadumo Cali qaaliga ah,');
    expect(text).toContain('Mahadsanid: deeqdaada US$25.00 waxaa la helay');
    expect(text).toContain(donationId);
  });

  it("when a monthly plan was made in Arabic, then each month's receipt is in Arabic too", async () => {
    const { campaignId } = await publishedCampaign(donation);
    const email = `arabic.${newId()}@example.org`;
    const { donationId } = await newGift(donation, {
      campaignId,
      interval: 'month',
      donor: { email },
      locale: 'ar',
    });
    const plan = await donation.service.deps.db
      .collection<{ _id: string; subscriptionId?: string }>('donations')
      .findOne({ _id: donationId });
    await deliverTwice(
      donation,
      invoicePaid({
        invoiceId: newStripeId('in'),
        subscriptionId: String(plan?.subscriptionId),
        donationId,
        amount: 1000,
        paidAt: Math.floor(Date.now() / 1000),
      }),
    );
    const [mail] = await eventually(() => {
      const found = mailsTo(email);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail?.data).toMatch(/^content-language: ar$/im);
    expect(bodyText(mail?.data ?? '')).toContain(
      'شكرًا لك: استُلم تبرعك الشهري بمبلغ \u2068\u200f10.00\u00a0\u2066US$\u2069\u2069',
    );
  });
});

// Demo data for `npm start`: an organization, a flood-relief campaign, a few paid gifts and a delivered
// disbursement, all made through the public HTTP API as real users would. Skipped when campaigns exist.
import { createHash } from 'node:crypto';
import { eventually, HttpError, platformClient } from '@aid/test-kit';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run through npm start, which writes .local/config.env`);
  return value;
}

const urls = {
  campaign: required('CAMPAIGN_URL'),
  donation: required('DONATION_URL'),
  disbursement: required('DISBURSEMENT_URL'),
  ledger: required('LEDGER_URL'),
};
const api = platformClient(urls, {
  platformAdminKey: required('PLATFORM_ADMIN_KEY'),
  stripeWebhookSecret: required('STRIPE_WEBHOOK_SECRET'),
});

const existing = await api.call<{ campaigns: unknown[] }>('GET', `${urls.ledger}/v1/campaigns`);
if (existing.campaigns.length > 0) {
  console.log(`demo data already present (${existing.campaigns.length} campaigns); nothing to do`);
  process.exit(0);
}

const started = performance.now();
// The admin has an email address, so the console's sign-in works with the demo data (the link arrives in Mailpit).
const demoAdmin = { name: 'Nadia Hussain', email: 'nadia@example.org' };
const organization = await api.createOrganization({
  name: 'Sindh Diaspora Relief UK',
  country: 'GB',
  kind: 'diaspora-association',
  admin: demoAdmin,
});
const adminKey = organization.apiKey;
const approver = await api.addMember(organization.id, adminKey, {
  name: 'Ayesha Khan',
  email: 'ayesha@example.org',
  role: 'approver',
});
const officer = await api.addMember(organization.id, adminKey, {
  name: 'Bilal Ahmed',
  email: 'bilal@example.org',
  role: 'field-officer',
});

const campaign = await api.createCampaign(adminKey, {
  title: 'Sindh flood relief',
  summary: 'Clean water, hygiene kits and shelter for families displaced by the floods in Dadu and Jamshoro.',
  goal: { amount: 5_000_000, currency: 'USD' },
  crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' },
});
await api.publishCampaign(adminKey, campaign.id);

const gifts = [
  {
    amount: 5_000,
    donor: { email: 'sara@example.com', name: 'Sara Malik' },
    showName: true,
    geographyConsent: true,
    countryOfResidence: 'GB',
    countryOfHeritage: 'PK',
  },
  {
    amount: 12_000,
    donor: { email: 'imran@example.com', name: 'Imran Qureshi' },
    showName: false,
    geographyConsent: true,
    countryOfResidence: 'US',
    countryOfHeritage: 'PK',
  },
  {
    amount: 2_500,
    donor: { email: 'nadia@example.com', name: 'Nadia Hussain' },
    showName: false,
    geographyConsent: true,
    countryOfResidence: 'CA',
  },
  {
    amount: 25_000,
    donor: { email: 'omar@example.com', name: 'Omar Farooq' },
    showName: true,
    geographyConsent: true,
    countryOfResidence: 'AE',
    countryOfHeritage: 'PK',
  },
];
const receipts: string[] = [];
for (const gift of gifts) {
  // The donation service learns of the campaign from its events: retry until it has.
  const donation = await eventually(
    () => api.donate({ campaignId: campaign.id, currency: 'USD', interval: 'once', ...gift }),
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  await api.confirmPayment({ donationId: donation.donationId, amount: gift.amount, currency: 'USD' });
  receipts.push(donation.receiptCode);
}

const disbursementAmount = 30_000;
await eventually(
  async () => {
    const funds = await api.funds(adminKey, campaign.id);
    if (funds.available < disbursementAmount) throw new Error(`only ${funds.available} available so far`);
  },
  { timeoutMs: 30_000, intervalMs: 300 },
);
const disbursement = await api.requestDisbursement(officer.apiKey, {
  campaignId: campaign.id,
  amount: disbursementAmount,
  currency: 'USD',
  recipient: { name: 'Sukkur Community Water Committee', country: 'PK', local: true },
  purpose: 'Water filters and hygiene kits for 170 households',
  sector: 'WASH',
});
await api.approve(approver.apiKey, disbursement.id, 'Quotes checked against two suppliers');
await api.payout(adminKey, disbursement.id, 'HBL-TRF-2026-000417');
await api.reportDelivery(officer.apiKey, disbursement.id, {
  deliveredAt: new Date().toISOString(),
  beneficiaries: 850,
  description: '170 household water filters and hygiene kits',
  location: { country: 'PK', area: 'Dadu district' },
  evidence: [
    {
      name: 'distribution-list.pdf',
      sha256: createHash('sha256').update('demo distribution list').digest('hex'),
    },
  ],
});

await eventually(
  async () => {
    const summary = await api.summary(campaign.id);
    if (summary.delivered !== disbursementAmount)
      throw new Error('the ledger has not recorded the delivery yet');
  },
  { timeoutMs: 30_000, intervalMs: 300 },
).catch((error: unknown) => {
  throw error instanceof HttpError ? new Error(`the ledger did not catch up: ${error.message}`) : error;
});

console.log(`demo data ready in ${Math.round(performance.now() - started)} ms: campaign ${campaign.id}`);
console.log(`try a receipt code on the trace page: ${receipts[0]}`);
console.log(
  `sign in to the console as the demo admin with ${demoAdmin.email} (also ayesha@example.org, approver, and bilal@example.org, field officer)`,
);

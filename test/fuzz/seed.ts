import { createHash } from 'node:crypto';
import { eventually, platformClient, type PlatformClient } from '@aid/test-kit';
import type { ServiceProcesses } from '../src/harness/service-processes.ts';

/** Real records for generated requests to reach: ids that exist, so fuzzing gets past "not found". */
export interface FuzzSeed {
  organizationId: string;
  adminKey: string;
  adminMemberId: string;
  approverMemberId: string;
  /** A member the fuzzer may rotate and remove: never one whose key it uses. */
  spareMemberId: string;
  campaignId: string;
  draftCampaignId: string;
  donationId: string;
  receiptCode: string;
  /** Paid and delivered, so its reads carry allocations, a payout and a delivery. */
  paidDisbursementId: string;
  /** Still requested, so approve, reject and cancel have something to act on. */
  requestedDisbursementId: string;
  evidenceId: string;
  /** An organization's application, pending, for the platform administrator's reads and decision. */
  applicationId: string;
}

const options = { timeoutMs: 60_000, intervalMs: 250 };

/**
 * An organization with a member of each role, a published campaign (and a draft), a paid gift, a disbursement
 * paid out and delivered with an evidence file, and one left requested; all through the public API, waiting for
 * each service to have heard of what the previous step made (the services learn of each other through Kafka).
 */
export async function seedPlatform(platform: ServiceProcesses): Promise<FuzzSeed> {
  const { urls } = platform;
  const api: PlatformClient = platformClient(urls, platform.secrets);
  const organization = await api.createOrganization({
    name: 'Fuzz Relief Association',
    country: 'SE',
    kind: 'diaspora-association',
  });
  const adminKey = organization.apiKey;
  const member = (role: string, name: string) =>
    api.addMember(organization.id, adminKey, { name, email: `${name.toLowerCase()}@example.org`, role });
  const approver = await member('approver', 'Amina');
  const officer = await member('field-officer', 'Yusuf');
  const spare = await member('field-officer', 'Hodan');
  const goal = { amount: 5_000_000, currency: 'USD' };
  const crisis = { kind: 'drought', countries: ['SO'] };
  const campaign = await api.createCampaign(adminKey, {
    title: 'Drought relief in Gedo',
    summary: 'Water trucking and cash for food.',
    goal,
    crisis,
  });
  await api.publishCampaign(adminKey, campaign.id);
  const draft = await api.createCampaign(adminKey, {
    title: 'Flood preparedness',
    summary: 'Not published yet.',
    goal,
    crisis,
  });

  const donation = await eventually(
    () =>
      api.donate({
        campaignId: campaign.id,
        amount: 25_000,
        currency: 'USD',
        donor: { email: 'donor@example.org', name: 'Donor' },
        geographyConsent: true,
        countryOfResidence: 'SE',
      }),
    options,
  );
  await api.confirmPayment({ donationId: donation.donationId, amount: 25_000, currency: 'USD', fee: 755 });
  await eventually(async () => {
    if ((await api.funds(officer.apiKey, campaign.id)).available < 20_000)
      throw new Error('the gift has not reached the funds account yet');
  }, options);

  const recipient = { name: 'Gedo Water Committee', country: 'SO', local: true };
  const request = (amount: number) =>
    api.requestDisbursement(officer.apiKey, {
      campaignId: campaign.id,
      amount,
      currency: 'USD',
      recipient,
      purpose: 'Water trucking',
      sector: 'WASH',
    });
  const paid = await request(10_000);
  await api.approve(approver.apiKey, paid.id, 'Budget checked');
  await api.payout(adminKey, paid.id, 'BANK-REF-0001');
  const evidence = await uploadEvidence(urls.disbursement, officer.apiKey, paid.id);
  await api.reportDelivery(officer.apiKey, paid.id, {
    deliveredAt: '2026-11-20T10:00:00Z',
    beneficiaries: 120,
    description: 'Water for 120 households',
    location: { country: 'SO', area: 'Gedo' },
    evidence: [{ evidenceId: evidence }],
  });
  const requested = await request(2_000);
  await eventually(async () => {
    if (Number((await api.summary(campaign.id)).delivered) !== 10_000)
      throw new Error('the ledger has not recorded the delivery yet');
  }, options);

  const application = await fetch(`${urls.campaign}/v1/organization-applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Fuzz Water Trust',
      country: 'KE',
      kind: 'ngo',
      registrationNumber: 'CH-000001',
      about: 'Wells in Turkana.',
      contact: { name: 'Wanjiru', email: 'wanjiru.fuzz@example.org' },
    }),
  });
  if (application.status !== 201)
    throw new Error(`the application was not taken: ${application.status} ${await application.text()}`);
  const { id: applicationId } = (await application.json()) as { id: string };

  return {
    applicationId,
    organizationId: organization.id,
    adminKey,
    adminMemberId: organization.member.id,
    approverMemberId: approver.id,
    spareMemberId: spare.id,
    campaignId: campaign.id,
    draftCampaignId: draft.id,
    donationId: donation.donationId,
    receiptCode: donation.receiptCode,
    paidDisbursementId: paid.id,
    requestedDisbursementId: requested.id,
    evidenceId: evidence,
  };
}

async function uploadEvidence(disbursementUrl: string, key: string, disbursementId: string): Promise<string> {
  const file = Buffer.from('item,count\nwater trucks,4\n');
  const response = await fetch(
    `${disbursementUrl}/v1/disbursements/${disbursementId}/evidence?name=handover.csv`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: file,
    },
  );
  if (response.status !== 201)
    throw new Error(`evidence upload answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { id: string; sha256: string };
  if (body.sha256 !== createHash('sha256').update(file).digest('hex'))
    throw new Error('evidence stored with another hash');
  return body.id;
}

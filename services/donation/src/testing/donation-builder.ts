import { receiptCodeHash } from '@aid/contracts';
import type { Donation } from '../domain/donation.ts';

/** A complete donation for unit tests: a succeeded 25.00 USD gift with a 103 fee, with overrides. */
export function donationBuilder(overrides: Partial<Donation> = {}): Donation {
  return {
    id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    campaignId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
    organizationId: 'o1',
    amount: 2500,
    currency: 'USD',
    interval: 'once',
    showName: false,
    countryOfResidence: null,
    countryOfHeritage: null,
    geographyConsent: false,
    donorKey: null,
    donor: { email: 'amina@example.org', name: 'Amina Yusuf' },
    publicRef: 'd_0123456789abcdef01234567',
    receiptHash: receiptCodeHash('CODE'),
    status: 'succeeded',
    paymentIntentId: 'pi_1',
    fee: 103,
    net: 2397,
    createdAt: new Date('2026-03-01T09:00:00Z'),
    succeededAt: new Date('2026-03-01T10:00:00Z'),
    stripeEventIds: [],
    revision: 1,
    chargeId: 'ch_1',
    refunded: 0,
    refunds: [],
    refundFailures: [],
    disputes: [],
    allocated: 0,
    allocationIds: [],
    customerId: null,
    subscriptionId: null,
    subscriptionStatus: null,
    parentId: null,
    invoiceId: null,
    erasedAt: null,
    ...overrides,
  };
}

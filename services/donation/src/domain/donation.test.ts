import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canMove,
  checkDonationAllowed,
  decidePaymentOutcome,
  donationStatuses,
  newPublicRef,
  type CampaignView,
  type DonationStatus,
  type PaymentOutcome,
} from './donation.ts';
import type { DonationErrorCode } from './errors.ts';

const activeCampaign = (overrides: Partial<CampaignView> = {}): CampaignView => ({
  campaignId: 'c1',
  organizationId: 'o1',
  status: 'active',
  currency: 'USD',
  revision: 2,
  ...overrides,
});

const request = (overrides: Partial<{ campaignId: string; amount: number; currency: string }> = {}) => ({
  campaignId: 'c1',
  amount: 2500,
  currency: 'USD',
  ...overrides,
});

const limits = { maxAmount: 100_000_000 };

function refusal(run: () => unknown): { code: string; field: string | undefined } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    const { code, field } = error as { code: string; field: string | undefined };
    return { code, field };
  }
}

describe('checkDonationAllowed', () => {
  const cases: {
    when: string;
    campaign: CampaignView | null;
    request: ReturnType<typeof request>;
    code: DonationErrorCode;
    field: string;
  }[] = [
    {
      when: 'the campaign is unknown',
      campaign: null,
      request: request(),
      code: 'campaign-not-found',
      field: 'campaignId',
    },
    {
      when: 'the campaign is a draft',
      campaign: activeCampaign({ status: 'draft' }),
      request: request(),
      code: 'campaign-not-active',
      field: 'campaignId',
    },
    {
      when: 'the campaign is closed',
      campaign: activeCampaign({ status: 'closed' }),
      request: request(),
      code: 'campaign-not-active',
      field: 'campaignId',
    },
    {
      when: 'the currency is neither the campaign’s nor a donor currency',
      campaign: activeCampaign(),
      request: request({ currency: 'PKR' }),
      code: 'currency-mismatch',
      field: 'currency',
    },
    {
      when: 'the amount is below Stripe’s minimum in the donor’s JPY',
      campaign: activeCampaign(),
      request: request({ amount: 49, currency: 'JPY' }),
      code: 'amount-below-minimum',
      field: 'amount',
    },
    {
      when: 'the amount is below the minimum in the donor’s KWD (three decimals)',
      campaign: activeCampaign(),
      request: request({ amount: 199, currency: 'KWD' }),
      code: 'amount-below-minimum',
      field: 'amount',
    },
    {
      when: 'the amount is below Stripe’s USD minimum',
      campaign: activeCampaign(),
      request: request({ amount: 49 }),
      code: 'amount-below-minimum',
      field: 'amount',
    },
    {
      when: 'the amount is below Stripe’s GBP minimum',
      campaign: activeCampaign({ currency: 'GBP' }),
      request: request({ amount: 29, currency: 'GBP' }),
      code: 'amount-below-minimum',
      field: 'amount',
    },
    {
      when: 'the amount is above the maximum',
      campaign: activeCampaign(),
      request: request({ amount: 100_000_001 }),
      code: 'amount-above-maximum',
      field: 'amount',
    },
  ];

  it.each(cases)(
    'when $when, then it is refused with $code naming $field',
    ({ campaign, request: given, code, field }) => {
      expect(refusal(() => checkDonationAllowed(given, campaign, limits))).toEqual({ code, field });
    },
  );

  it.each([
    { currency: 'USD', amount: 50 },
    { currency: 'GBP', amount: 30 },
    { currency: 'JPY', amount: 50 },
    { currency: 'USD', amount: 100_000_000 },
    { currency: 'PKR', amount: 50 },
  ])('when $amount $currency is exactly at a limit, then it is accepted', ({ currency, amount }) => {
    const campaign = activeCampaign({ currency });
    expect(checkDonationAllowed(request({ currency, amount }), campaign, limits)).toBe(campaign);
  });
});

describe('a donor paying in their own currency', () => {
  it.each([
    { currency: 'EUR', amount: 2500 },
    { currency: 'JPY', amount: 3000 },
    { currency: 'KWD', amount: 7500 },
    { currency: 'SEK', amount: 300 },
  ])('when $amount $currency is given to a USD campaign, then it is accepted', ({ currency, amount }) => {
    const campaign = activeCampaign();
    expect(checkDonationAllowed(request({ currency, amount }), campaign, limits)).toBe(campaign);
  });
});

describe('payment state machine', () => {
  const donation = (status: DonationStatus, stripeEventIds: string[] = []) => ({
    status,
    amount: 2500,
    stripeEventIds,
  });
  const now = new Date('2026-03-01T10:00:00Z');

  it.each([
    ['pending', 'succeeded', true],
    ['pending', 'failed', true],
    ['pending', 'canceled', true],
    ['failed', 'succeeded', true],
    ['failed', 'canceled', true],
    ['failed', 'failed', false],
    ['succeeded', 'failed', false],
    ['succeeded', 'canceled', false],
    ['succeeded', 'succeeded', false],
    ['canceled', 'succeeded', false],
    ['canceled', 'failed', false],
  ] as const)('when a %s donation hears %s, then moving is %s', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
    expect(
      decidePaymentOutcome(donation(from), { stripeEventId: 'evt_1', outcome: to, occurredAt: now }).kind,
    ).toBe(allowed ? 'changed' : 'unchanged');
  });

  it('when a payment succeeds, then it is dated by Stripe’s event and net is the amount less the fee read from its charge', () => {
    const settlement = { kind: 'settled', amount: 2500, fee: 103, exchangeRate: null } as const;
    const decision = decidePaymentOutcome(donation('pending'), {
      stripeEventId: 'evt_1',
      outcome: 'succeeded',
      occurredAt: now,
      settlement,
      chargeId: 'ch_1',
    });
    expect(decision).toEqual({
      kind: 'changed',
      change: {
        from: 'pending',
        to: 'succeeded',
        at: now,
        settledAmount: 2500,
        fee: 103,
        net: 2397,
        exchangeRate: null,
        chargeId: 'ch_1',
      },
    });
  });

  it('when a EUR gift settles in USD, then the settled amount, fee and rate are the balance transaction’s', () => {
    const settlement = { kind: 'settled', amount: 2705, fee: 132, exchangeRate: '1.0821' } as const;
    expect(
      decidePaymentOutcome(donation('pending'), {
        stripeEventId: 'evt_1',
        outcome: 'succeeded',
        occurredAt: now,
        settlement,
        chargeId: 'ch_1',
      }),
    ).toMatchObject({
      change: { to: 'succeeded', settledAmount: 2705, fee: 132, net: 2573, exchangeRate: '1.0821' },
    });
  });

  it('when the settlement cannot be counted, then the gift is held with the reason, not succeeded', () => {
    const settlement = {
      kind: 'held',
      reason: 'the charge settled in EUR, but the campaign keeps USD',
    } as const;
    expect(
      decidePaymentOutcome(donation('pending'), {
        stripeEventId: 'evt_1',
        outcome: 'succeeded',
        occurredAt: now,
        settlement,
        chargeId: 'ch_1',
      }),
    ).toEqual({
      kind: 'changed',
      change: { from: 'pending', to: 'held', at: now, reason: settlement.reason, chargeId: 'ch_1' },
    });
  });

  it('when no fee is known, then it is 0; when a fee would exceed the gift, then net stops at 0, never below', () => {
    expect(
      decidePaymentOutcome(donation('pending'), {
        stripeEventId: 'evt_1',
        outcome: 'succeeded',
        occurredAt: now,
      }),
    ).toMatchObject({ change: { fee: 0, net: 2500, chargeId: null } });
    const settlement = { kind: 'settled', amount: 2500, fee: 9999, exchangeRate: null } as const;
    expect(
      decidePaymentOutcome(donation('pending'), {
        stripeEventId: 'evt_1',
        outcome: 'succeeded',
        occurredAt: now,
        settlement,
      }),
    ).toMatchObject({ change: { fee: 2500, net: 0 } });
  });

  it('when the same Stripe event comes again, then nothing changes even if the move would be allowed', () => {
    const decision = decidePaymentOutcome(donation('failed', ['evt_1']), {
      stripeEventId: 'evt_1',
      outcome: 'succeeded',
      occurredAt: now,
    });
    expect(decision.kind).toBe('unchanged');
  });

  it('when any sequence of notices arrives in any order, then the status never moves backwards and a success is final', () => {
    const outcomes = fc.constantFrom<PaymentOutcome>('succeeded', 'failed', 'canceled');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(outcomes, fc.integer({ min: 1, max: 5 })), { maxLength: 12 }),
        (notices) => {
          let state = donation('pending');
          const rank = (status: DonationStatus) =>
            ({ pending: 0, failed: 1, succeeded: 2, held: 2, canceled: 2, refunded: 3 })[status];
          for (const [outcome, eventNumber] of notices) {
            const before = state.status;
            const decision = decidePaymentOutcome(state, {
              stripeEventId: `evt_${outcome}_${eventNumber}`,
              outcome,
              occurredAt: now,
            });
            if (decision.kind === 'changed')
              state = {
                ...state,
                status: decision.change.to,
                stripeEventIds: [...state.stripeEventIds, `evt_${outcome}_${eventNumber}`],
              };
            expect(rank(state.status)).toBeGreaterThanOrEqual(rank(before));
            if (before === 'succeeded' || before === 'canceled') expect(state.status).toBe(before);
          }
          expect(donationStatuses).toContain(state.status);
        },
      ),
    );
  });
});

describe('newPublicRef', () => {
  it('when references are made, then each is d_ and 24 hex characters and they differ', () => {
    const refs = new Set(Array.from({ length: 200 }, () => newPublicRef()));
    expect(refs.size).toBe(200);
    for (const ref of refs) expect(ref).toMatch(/^d_[0-9a-f]{24}$/);
  });
});

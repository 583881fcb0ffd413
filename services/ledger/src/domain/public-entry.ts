import type { AnyEvent, CampaignEvent, DisbursementEvent, DonationEvent } from '@aid/contracts';

/** How an entry moves the campaign's public totals; applied exactly once, together with the append. */
export interface SummaryDeltas {
  raised?: number;
  fees?: number;
  refunded?: number;
  allocated?: number;
  paidOut?: number;
  paidOutLocal?: number;
  delivered?: number;
  beneficiaries?: number;
  gifts?: number;
}

/** Links kept beside an entry (not part of its hashed bytes) so a receipt code leads to its chain. */
export interface EntryRefs {
  donationId?: string;
  disbursementId?: string;
  receiptHash?: string;
}

export type PublicEntry = Record<string, unknown> & {
  v: 1;
  campaignId: string;
  kind: string;
  eventId: string;
  time: string;
};

export interface EntryDraft {
  campaignId: string;
  eventId: string;
  kind: PublicEntry['kind'];
  entry: PublicEntry;
  refs: EntryRefs;
  deltas: SummaryDeltas;
  currency: string | null;
}

/** Facts from earlier entries that some events need (a delivery does not repeat its disbursement's amount). */
export interface EntryContext {
  disbursementAmount: number | null;
  firstDeliveryOfDisbursement: boolean;
}

export const noContext: EntryContext = { disbursementAmount: null, firstDeliveryOfDisbursement: false };

function draft(
  event: AnyEvent,
  campaignId: string,
  kind: string,
  body: Record<string, unknown>,
  extra: Partial<EntryDraft> = {},
): EntryDraft {
  return {
    campaignId,
    eventId: event.id,
    kind,
    entry: { v: 1, campaignId, kind, eventId: event.id, time: event.time, ...body },
    refs: extra.refs ?? {},
    deltas: extra.deltas ?? {},
    currency: extra.currency ?? null,
  };
}

function fromCampaignEvent(event: CampaignEvent): EntryDraft | null {
  switch (event.type) {
    case 'org.diaspora-aid.campaign.published': {
      const { campaign } = event.data;
      return draft(
        event,
        campaign.campaignId,
        'campaign-published',
        {
          campaign: {
            title: campaign.title,
            organizationId: campaign.organizationId,
            organizationName: campaign.organizationName,
            goal: campaign.goal,
            crisis: campaign.crisis,
            // When a platform administrator verified the organization; absent on campaigns published before vetting.
            ...(campaign.organizationVerifiedAt === undefined
              ? {}
              : { organizationVerifiedAt: campaign.organizationVerifiedAt }),
          },
        },
        { currency: campaign.goal.currency },
      );
    }
    case 'org.diaspora-aid.campaign.closed':
      return draft(event, event.data.campaign.campaignId, 'campaign-closed', {});
    case 'org.diaspora-aid.campaign.update-posted':
      return draft(event, event.data.campaignId, 'campaign-update', {
        updateId: event.data.updateId,
        title: event.data.title,
        body: event.data.body,
        // The photo's hash goes on the record like delivery evidence; updates without one keep their old bytes.
        ...(event.data.photo
          ? {
              photo: {
                sha256: event.data.photo.sha256,
                contentType: event.data.photo.contentType,
                size: event.data.photo.size,
              },
            }
          : {}),
      });
    // Organizations, members, drafts and edits are not money movements: they stay off the public log.
    case 'org.diaspora-aid.campaign.organization-registered':
    case 'org.diaspora-aid.campaign.member-added':
    case 'org.diaspora-aid.campaign.member-key-rotated':
    case 'org.diaspora-aid.campaign.member-revoked':
    case 'org.diaspora-aid.campaign.member-sessions-ended':
    case 'org.diaspora-aid.campaign.organization-settings-changed':
    case 'org.diaspora-aid.campaign.created':
    case 'org.diaspora-aid.campaign.changed':
      return null;
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled campaign event ${JSON.stringify(unhandled)}`);
    }
  }
}

function fromDonationEvent(event: DonationEvent): EntryDraft | null {
  switch (event.type) {
    case 'org.diaspora-aid.donation.succeeded': {
      const { data } = event;
      return draft(
        event,
        data.campaignId,
        'gift',
        {
          donationId: data.donationId,
          donor: data.donor,
          receiptHash: data.receiptHash,
          amount: data.amount,
          fee: data.fee,
          net: data.net,
          currency: data.currency,
          interval: data.interval,
          // What the donor paid and Stripe's rate, beside the settled figures above. Only when the event has them:
          // entries written before keep their exact bytes, so their leaves still verify.
          ...(data.presented ? { presented: data.presented } : {}),
          ...(data.exchangeRate !== undefined ? { exchangeRate: data.exchangeRate } : {}),
        },
        {
          refs: { donationId: data.donationId, receiptHash: data.receiptHash },
          deltas: { raised: data.amount, fees: data.fee, gifts: 1 },
          currency: data.currency,
        },
      );
    }
    case 'org.diaspora-aid.donation.refunded': {
      const { data } = event;
      return draft(
        event,
        data.campaignId,
        'refund',
        {
          donationId: data.donationId,
          refundId: data.refundId,
          amount: data.amount,
          currency: data.currency,
          ...(data.presented ? { presented: data.presented } : {}),
        },
        { refs: { donationId: data.donationId }, deltas: { refunded: data.amount }, currency: data.currency },
      );
    }
    // A counted refund that failed never left the campaign: the entry takes it off refunded, so net comes back.
    // The refund's own entry stays on the log; the two together say what happened.
    case 'org.diaspora-aid.donation.refund-reversed': {
      const { data } = event;
      return draft(
        event,
        data.campaignId,
        'refund-reversed',
        {
          donationId: data.donationId,
          refundId: data.refundId,
          amount: data.amount,
          currency: data.currency,
        },
        {
          refs: { donationId: data.donationId },
          deltas: { refunded: -data.amount },
          currency: data.currency,
        },
      );
    }
    // A dispute only holds money while the bank decides: the public sees it at once, but net moves only if the
    // dispute is lost, and then exactly like a refund (the donor's bank took the money back). A won dispute
    // releases the hold and changes no total. Stripe's dispute fee is a charge on the platform's own balance,
    // not on the gift, so it stays out of the campaign's figures.
    case 'org.diaspora-aid.donation.disputed': {
      const { data } = event;
      return draft(
        event,
        data.campaignId,
        'dispute-opened',
        {
          donationId: data.donationId,
          disputeId: data.disputeId,
          amount: data.amount,
          currency: data.currency,
        },
        { refs: { donationId: data.donationId }, currency: data.currency },
      );
    }
    case 'org.diaspora-aid.donation.dispute-closed': {
      const { data } = event;
      return draft(
        event,
        data.campaignId,
        'dispute-closed',
        {
          donationId: data.donationId,
          disputeId: data.disputeId,
          outcome: data.outcome,
          amount: data.amount,
          currency: data.currency,
        },
        {
          refs: { donationId: data.donationId },
          deltas: data.outcome === 'lost' ? { refunded: data.amount } : {},
          currency: data.currency,
        },
      );
    }
    // Aggregates over many donors, not a money movement: kept beside the log (see donor-geography), not on it.
    case 'org.diaspora-aid.donation.geography-released':
      return null;
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled donation event ${JSON.stringify(unhandled)}`);
    }
  }
}

function fromDisbursementEvent(event: DisbursementEvent, context: EntryContext): EntryDraft | null {
  switch (event.type) {
    case 'org.diaspora-aid.disbursement.approved': {
      const { data } = event;
      return draft(
        event,
        data.campaignId,
        'disbursement-approved',
        {
          disbursementId: data.disbursementId,
          amount: data.amount,
          currency: data.currency,
          recipient: data.recipient,
          purpose: data.purpose,
          sector: data.sector,
        },
        {
          refs: { disbursementId: data.disbursementId },
          deltas: { allocated: data.amount },
          currency: data.currency,
        },
      );
    }
    case 'org.diaspora-aid.disbursement.allocated': {
      const { data } = event;
      return draft(
        event,
        data.campaignId,
        'allocation',
        {
          disbursementId: data.disbursementId,
          donationId: data.donationId,
          amount: data.amount,
          currency: data.currency,
        },
        {
          refs: { disbursementId: data.disbursementId, donationId: data.donationId },
          currency: data.currency,
        },
      );
    }
    case 'org.diaspora-aid.disbursement.paid': {
      const { data } = event;
      return draft(
        event,
        data.campaignId,
        'payout',
        {
          disbursementId: data.disbursementId,
          amount: data.amount,
          currency: data.currency,
          reference: data.reference,
          recipient: data.recipient,
        },
        {
          refs: { disbursementId: data.disbursementId },
          deltas: { paidOut: data.amount, paidOutLocal: data.recipient.local ? data.amount : 0 },
          currency: data.currency,
        },
      );
    }
    case 'org.diaspora-aid.disbursement.delivered': {
      const { data } = event;
      // Money counts as delivered once per disbursement, at its first delivery report; beneficiaries add up.
      const delivered = context.firstDeliveryOfDisbursement ? (context.disbursementAmount ?? 0) : 0;
      return draft(
        event,
        data.campaignId,
        'delivery',
        {
          disbursementId: data.disbursementId,
          deliveryId: data.deliveryId,
          deliveredAt: data.deliveredAt,
          beneficiaries: data.beneficiaries,
          description: data.description,
          location: data.location,
          evidence: data.evidence,
        },
        {
          refs: { disbursementId: data.disbursementId },
          deltas: { delivered, beneficiaries: data.beneficiaries },
        },
      );
    }
    case 'org.diaspora-aid.disbursement.cancelled': {
      const { data } = event;
      // Only an approved disbursement had reserved money; a cancelled request never reached the record.
      if (data.from !== 'approved') return null;
      return draft(
        event,
        data.campaignId,
        'disbursement-cancelled',
        {
          disbursementId: data.disbursementId,
          amount: data.amount,
          currency: data.currency,
          released: data.released,
        },
        {
          refs: { disbursementId: data.disbursementId },
          deltas: { allocated: -data.amount },
          currency: data.currency,
        },
      );
    }
    // A request or a rejection moves no money; the public record starts at approval.
    case 'org.diaspora-aid.disbursement.requested':
    case 'org.diaspora-aid.disbursement.rejected':
      return null;
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled disbursement event ${JSON.stringify(unhandled)}`);
    }
  }
}

const campaignPrefix = 'org.diaspora-aid.campaign.';
const donationPrefix = 'org.diaspora-aid.donation.';

/** The public entry an event becomes, or null when it is not part of the public record. */
export function draftEntry(event: AnyEvent, context: EntryContext = noContext): EntryDraft | null {
  if (event.type.startsWith(campaignPrefix)) return fromCampaignEvent(event as CampaignEvent);
  if (event.type.startsWith(donationPrefix)) return fromDonationEvent(event as DonationEvent);
  if (event.type.startsWith('org.diaspora-aid.disbursement.'))
    return fromDisbursementEvent(event as DisbursementEvent, context);
  return null;
}

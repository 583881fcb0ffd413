import { DomainError } from '@aid/http-kit';

export type LedgerErrorCode = 'campaign-not-found' | 'receipt-not-found' | 'proof-out-of-range';

export const ledgerStatusByCode: Record<LedgerErrorCode, number> = {
  'campaign-not-found': 404,
  'receipt-not-found': 404,
  'proof-out-of-range': 400,
};

export const campaignNotFound = (campaignId: string) =>
  new DomainError<LedgerErrorCode>('campaign-not-found', `no public record for campaign ${campaignId}`, 'campaignId');

export const receiptNotFound = () =>
  new DomainError<LedgerErrorCode>(
    'receipt-not-found',
    'no gift on the public record has this receipt code; a gift appears once its payment has succeeded',
    'receiptCode',
  );

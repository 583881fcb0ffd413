import { DomainError } from '@aid/contracts';

export type LedgerErrorCode = 'campaign-not-found' | 'receipt-not-found' | 'proof-out-of-range';

export const campaignNotFound = (campaignId: string) =>
  new DomainError<LedgerErrorCode>(
    'campaign-not-found',
    `no public record for campaign ${campaignId}`,
    'campaignId',
  );

export const receiptNotFound = () =>
  new DomainError<LedgerErrorCode>(
    'receipt-not-found',
    'no gift on the public record has this receipt code; a gift appears once its payment has succeeded',
    'receiptCode',
  );

import type { LedgerErrorCode } from '../domain/errors.ts';

/** The HTTP status of each domain error the ledger raises: the one place its codes meet HTTP. */
export const statusByCode: Record<LedgerErrorCode, number> = {
  'campaign-not-found': 404,
  'receipt-not-found': 404,
  'proof-out-of-range': 400,
};

import type { CampaignErrorCode } from '../domain/errors.ts';

/** The one place domain errors become HTTP statuses; exhaustive, so a new code cannot ship unmapped. */
export const statusByCode = {
  unauthenticated: 401,
  'platform-admin-required': 403,
  'role-required': 403,
  'other-organization': 403,
  'organization-not-found': 404,
  'campaign-not-found': 404,
  'email-taken': 409,
  'wrong-status': 409,
  'currency-locked': 409,
  'campaign-closed': 409,
  'concurrent-change': 409,
  'member-not-found': 404,
  'last-admin': 409,
  'sign-in-link-unknown': 401,
  'sign-in-link-used': 409,
  'sign-in-link-expired': 410,
  'session-ended': 401,
  'photo-too-large': 413,
  'photo-unsupported': 415,
  'photo-not-found': 404,
} as const satisfies Record<CampaignErrorCode, number>;

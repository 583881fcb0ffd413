import { DomainError } from '@aid/contracts';
import { describe, expect, it } from 'vitest';
import { campaignErrorCodes, errors } from '../domain/errors.ts';
import { statusByCode } from './status-by-code.ts';

describe('error statuses', () => {
  it.each([
    { error: errors.unauthenticated(), status: 401 },
    { error: errors.platformAdminRequired(), status: 403 },
    { error: errors.roleRequired('publishing', ['admin']), status: 403 },
    { error: errors.otherOrganization('this campaign'), status: 403 },
    { error: errors.organizationNotFound('o'), status: 404 },
    { error: errors.campaignNotFound('c'), status: 404 },
    { error: errors.emailTaken('a@example.org'), status: 409 },
    { error: errors.wrongStatus('the campaign is active'), status: 409 },
    { error: errors.currencyLocked('USD'), status: 409 },
    { error: errors.campaignClosed(), status: 409 },
    { error: errors.concurrentChange(), status: 409 },
    { error: errors.memberNotFound('m'), status: 404 },
    { error: errors.lastAdmin(), status: 409 },
    { error: errors.photoTooLarge(5 * 1024 * 1024), status: 413 },
    { error: errors.photoUnsupported(), status: 415 },
    { error: errors.photoNotFound('u'), status: 404 },
  ])('when the domain fails with $error.code, then the answer is $status', ({ error, status }) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(statusByCode[error.code]).toBe(status);
    expect(error.field).toBeTruthy();
  });

  it('when the table is read, then every code has a 4xx status and nothing else is in it', () => {
    expect(Object.keys(statusByCode).sort()).toEqual([...campaignErrorCodes].sort());
    expect(Object.values(statusByCode).every((status) => status >= 400 && status < 500)).toBe(true);
  });

  it('when a role is missing, then the message names the role needed', () => {
    expect(errors.roleRequired('posting an update', ['admin', 'field-officer']).message).toBe(
      'posting an update needs the admin or field-officer role',
    );
  });
});

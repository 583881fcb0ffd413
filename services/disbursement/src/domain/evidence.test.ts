import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DisbursementFacts, Member } from './disbursement.ts';
import { contentMatchesType, decideEvidenceUpload, type EvidenceType } from './evidence.ts';

const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const csv = Buffer.from('family,kits\nA,2\nB,3\n');

describe('evidence content checks', () => {
  it.each<[string, Buffer, EvidenceType, boolean]>([
    ['a PDF declared as PDF', pdf, 'application/pdf', true],
    ['a PNG declared as PNG', png, 'image/png', true],
    ['a JPEG declared as JPEG', jpeg, 'image/jpeg', true],
    ['CSV text declared as CSV', csv, 'text/csv', true],
    ['a PNG declared as JPEG', png, 'image/jpeg', false],
    ['CSV text declared as PDF', csv, 'application/pdf', false],
    ['binary declared as CSV', Buffer.from([0x41, 0x00, 0x42]), 'text/csv', false],
    ['invalid UTF-8 declared as CSV', Buffer.from([0xc3, 0x28]), 'text/csv', false],
    ['a truncated PNG signature', png.subarray(0, 4), 'image/png', false],
  ])('when %s is checked, then it matches: %s', (_name, bytes, type, expected) => {
    expect(contentMatchesType(bytes, type)).toBe(expected);
  });
});

describe('evidence uploads', () => {
  const member: Member = { memberId: 'm-1', organizationId: 'org-1', role: 'field-officer' };
  const disbursement: DisbursementFacts & { campaignId: string } = {
    id: 'd-1',
    campaignId: 'c-1',
    organizationId: 'org-1',
    status: 'paid',
    requestedBy: 'm-1',
    amount: 100,
    approvals: [],
  };
  const upload = (overrides: Partial<Parameters<typeof decideEvidenceUpload>[0]> = {}) =>
    decideEvidenceUpload({
      member,
      disbursement,
      bytes: pdf,
      contentType: 'application/pdf',
      name: undefined,
      limit: 1_000,
      id: 'e-1',
      now: new Date(0),
      ...overrides,
    });

  it('when a valid file is uploaded, then its SHA-256 is computed over the exact bytes and a name is given', () => {
    expect(upload()).toMatchObject({
      id: 'e-1',
      name: 'evidence-e-1.pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    });
  });

  it.each<[string, Partial<Parameters<typeof decideEvidenceUpload>[0]>, string]>([
    ['the file is over the limit', { limit: 10 }, 'evidence-too-large'],
    ['the bytes do not match the type', { contentType: 'image/png' }, 'evidence-type-mismatch'],
    ['the file is empty', { bytes: Buffer.alloc(0) }, 'evidence-type-mismatch'],
    ['an approver uploads', { member: { ...member, role: 'approver' } }, 'role-not-allowed'],
    [
      'the disbursement was cancelled',
      { disbursement: { ...disbursement, status: 'cancelled' } },
      'invalid-status',
    ],
  ])('when %s, then it is refused with %s', (_name, overrides, code) => {
    expect(() => upload(overrides)).toThrow(expect.objectContaining({ code }));
  });
});

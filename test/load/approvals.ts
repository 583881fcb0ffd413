import { eventually, type PlatformClient } from '@aid/test-kit';
import { giftAmount, giftFee } from './donations.ts';
import { latencySummary, perSecond, sleep } from './stats.ts';

export interface ApprovalPhase {
  /** Gifts the disbursement service had credited to the campaign's funds when the approvals began. */
  gifts: number;
  approved: number;
  approvalsPerSecond: number;
  latencies: number[];
  failures: number;
}

export interface ApprovalMembers {
  officer: { apiKey: string };
  approver: { apiKey: string };
}

/**
 * A field officer to request and an approver to approve, added when the organization is new: the disbursement
 * service learns of them from Kafka, behind whatever else it is consuming.
 */
export async function addApprovalMembers(
  api: PlatformClient,
  organization: { id: string; apiKey: string },
): Promise<ApprovalMembers> {
  const member = (role: string) =>
    api.addMember(organization.id, organization.apiKey, {
      name: `Bench ${role}`,
      email: `bench-${role}@example.org`,
      role,
    });
  return { officer: await member('field-officer'), approver: await member('approver') };
}

/**
 * Disbursements approved one after another through the API on the run's campaign, with all its gifts credited:
 * a field officer requests (not timed), an approver approves (timed), as the maker-checker rule asks. Each
 * spends part of one gift, so every approval allocates from the front of the campaign's first-in-first-out queue.
 */
export async function runApprovals(options: {
  api: PlatformClient;
  members: ApprovalMembers;
  campaignId: string;
  expectedGifts: number;
  waitSeconds: number;
  seconds: number;
  /** Called once the gifts are credited, just before the first request: where a caller starts its counters. */
  beforeApproving?: () => Promise<void>;
}): Promise<ApprovalPhase> {
  const { api, campaignId } = options;
  const { officer, approver } = options.members;
  const giftNet = giftAmount - giftFee;
  // The disbursement service learns of members and gifts from Kafka: wait for it to credit them all, or until
  // `waitSeconds` have passed, then approve on what it has.
  const first = await eventually(() => api.funds(officer.apiKey, campaignId), {
    timeoutMs: options.waitSeconds * 1000,
    intervalMs: 500,
  });
  let credited = first.net / giftNet;
  const waitUntil = performance.now() + options.waitSeconds * 1000;
  while (credited < options.expectedGifts && performance.now() < waitUntil) {
    await sleep(1_000);
    credited = (await api.funds(officer.apiKey, campaignId)).net / giftNet;
  }
  if (credited < options.expectedGifts)
    console.log(
      `  the disbursement service had credited ${credited} of the ${options.expectedGifts} gifts after ${options.waitSeconds} s; approving on those`,
    );
  const request = {
    campaignId,
    amount: 1_000,
    currency: 'USD',
    recipient: { name: 'Dadu Water Committee', country: 'PK', local: true },
    purpose: 'Water purification tablets',
    sector: 'WASH',
  };
  await options.beforeApproving?.();
  const latencies: number[] = [];
  let failures = 0;
  const until = performance.now() + options.seconds * 1000;
  while (performance.now() < until) {
    const disbursement = await api.requestDisbursement(officer.apiKey, request);
    const started = performance.now();
    try {
      await api.approve(approver.apiKey, disbursement.id, 'bench');
      latencies.push(performance.now() - started);
    } catch {
      failures += 1;
    }
  }
  const approvingSeconds = latencies.reduce((sum, latency) => sum + latency, 0) / 1000;
  console.log(
    `  approvals: ${latencies.length} one after another at ${credited} gifts (${failures} failed); ${latencySummary(latencies)}`,
  );
  return {
    gifts: credited,
    approved: latencies.length,
    approvalsPerSecond: perSecond(latencies.length, approvingSeconds),
    latencies,
    failures,
  };
}

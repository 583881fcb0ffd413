import type { FuzzSeed } from './seed.ts';

export const fuzzedServices = ['campaign', 'donation', 'disbursement', 'ledger'] as const;
export type FuzzedService = (typeof fuzzedServices)[number];

/** Who the generated requests claim to be. */
export type Credentials = 'anonymous' | 'member' | 'platform-admin';

/** How often a generated id is one of the seeded records rather than a random one (which answers 404 or 400). */
const realIdProbability = 0.6;

interface OperationIds {
  pathRegex: string;
  parameters: Record<string, string[]>;
}

/** Which seeded ids each service's operations take, by path and parameter (`path.id`, `body.campaignId`, ...). */
function operationIds(service: FuzzedService, seed: FuzzSeed): OperationIds[] {
  const campaigns = [seed.campaignId, seed.draftCampaignId];
  switch (service) {
    case 'campaign':
      return [
        // The spare member is the one rotated and removed: the keys in use must keep working.
        {
          pathRegex: '^/v1/organizations/\\{id\\}',
          parameters: { 'path.id': [seed.organizationId], 'path.memberId': [seed.spareMemberId] },
        },
        { pathRegex: '^/v1/campaigns/\\{id\\}', parameters: { 'path.id': campaigns } },
        {
          pathRegex: '^/v1/organization-applications/\\{id\\}',
          parameters: { 'path.id': [seed.applicationId] },
        },
      ];
    case 'donation':
      return [
        {
          pathRegex: '^/v1/donations/\\{id\\}',
          parameters: { 'path.id': [seed.donationId], 'header.x-receipt-code': [seed.receiptCode] },
        },
        { pathRegex: '^/v1/donations$', parameters: { 'body.campaignId': [seed.campaignId] } },
        { pathRegex: '^/v1/campaigns/\\{id\\}', parameters: { 'path.id': campaigns } },
      ];
    case 'disbursement':
      return [
        {
          pathRegex: '^/v1/disbursements/\\{id\\}',
          parameters: {
            'path.id': [seed.paidDisbursementId, seed.requestedDisbursementId],
            'path.evidenceId': [seed.evidenceId],
          },
        },
        { pathRegex: '^/v1/disbursements$', parameters: { 'body.campaignId': [seed.campaignId] } },
        { pathRegex: '^/v1/campaigns/\\{id\\}', parameters: { 'path.id': campaigns } },
      ];
    case 'ledger':
      return [
        { pathRegex: '^/v1/campaigns/\\{id\\}', parameters: { 'path.id': [seed.campaignId] } },
        { pathRegex: '^/v1/trace/', parameters: { 'path.receiptCode': [seed.receiptCode] } },
      ];
  }
}

/** What positive_data_acceptance accepts by default (a schema-valid request may still meet a missing key, record or state). */
const acceptedByDefault = ['2xx', '3xx', 401, 403, 404, 409, 429, '5xx'];

/**
 * Answers to schema-valid requests that are right all the same, because they follow from rules no JSON Schema can
 * state. 422 everywhere: the request is well formed but breaks a business rule (a campaign's currency, a delivery
 * date in the future, Stripe's smallest charge).
 */
const semanticRejections: {
  pathRegex: string;
  method?: string;
  statuses: (number | string)[];
  why: string;
}[] = [
  { pathRegex: '.*', statuses: [422], why: 'business rules on well-formed data' },
  {
    pathRegex: '^/v1/webhooks/stripe$',
    statuses: [400, 422],
    why: 'only Stripe can sign an event: every generated signature is wrong',
  },
  {
    pathRegex: '^/v1/disbursements/\\{id\\}/evidence$',
    method: 'POST',
    statuses: [415, 422],
    why: 'the bytes must be of the declared type',
  },
  {
    pathRegex: '^/v1/campaigns/\\{id\\}/proofs/',
    statuses: [400, 422],
    why: 'from <= to and index < treeSize <= the log size relate parameters',
  },
];

export interface FuzzSettings {
  seed: number;
  maxExamples: number;
  workers: number;
}

/**
 * The schemathesis.toml of one run: every check on, a fixed seed and example budget, the seeded ids offered to
 * generation through fuzz dictionaries (so some requests reach real records and the rest probe unknown ones),
 * and the API key of the credential set for the operations that declare bearer security.
 */
export function schemathesisConfig(
  service: FuzzedService,
  credentials: Credentials,
  seed: FuzzSeed,
  platformAdminKey: string,
  settings: FuzzSettings,
): string {
  const lines: string[] = [
    `seed = ${settings.seed}`,
    `workers = ${settings.workers}`,
    'color = false',
    'request-timeout = 20.0',
    // Warnings (such as many 404s for random ids) are expected here; failures are what the stage is about.
    'warnings = false',
    '',
    '[generation]',
    `max-examples = ${settings.maxExamples}`,
    'database = "none"',
    '',
    '[checks]',
    'enabled = true',
    // Seconds. A fresh reconciliation reads every campaign's totals from two services: over 10 s on a busy 2-core
    // machine with a shared broker's campaigns, which is slow but not wrong.
    'max_response_time = 30',
    `positive_data_acceptance.expected-statuses = ${statusList(semanticRejections[0]!.statuses)}`,
    '',
  ];
  const key =
    credentials === 'member'
      ? seed.adminKey
      : credentials === 'platform-admin'
        ? platformAdminKey
        : undefined;
  if (key !== undefined) lines.push('[auth.openapi.bearer]', `bearer = ${toml(key)}`, '');
  const ids = operationIds(service, seed);
  ids.forEach((operation, index) => {
    for (const [parameter, values] of Object.entries(operation.parameters)) {
      lines.push(
        `[dictionaries.${dictionaryName(index, parameter)}]`,
        `values = [${values.map(toml).join(', ')}]`,
        '',
      );
    }
  });
  for (const rule of semanticRejections.slice(1)) {
    lines.push(`# ${rule.why}`, '[[operations]]', `include-path-regex = ${toml(rule.pathRegex)}`);
    // One regex filter per key in a block: Schemathesis ANDs the `include-*-regex` keys of a block, but each plain
    // `include-method` is a filter of its own, ORed with the path (a rule for one POST would then cover every POST).
    if (rule.method) lines.push(`include-method-regex = ${toml(`^${rule.method}$`)}`);
    lines.push(`checks.positive_data_acceptance.expected-statuses = ${statusList(rule.statuses)}`, '');
  }
  ids.forEach((operation, index) => {
    lines.push('[[operations]]', `include-path-regex = ${toml(operation.pathRegex)}`);
    lines.push('[operations.parameters]');
    for (const parameter of Object.keys(operation.parameters)) {
      lines.push(
        `${toml(parameter)} = { dictionary = ${toml(dictionaryName(index, parameter))}, probability = ${realIdProbability} }`,
      );
    }
    lines.push('');
  });
  return `${lines.join('\n')}\n`;
}

function statusList(extra: (number | string)[]): string {
  return `[${[...acceptedByDefault, ...extra].map((status) => (typeof status === 'number' ? String(status) : toml(status))).join(', ')}]`;
}

function dictionaryName(operation: number, parameter: string): string {
  return `ids-${operation}-${parameter.replace(/[^A-Za-z0-9]/g, '-')}`;
}

/** A TOML basic string: JSON's escapes are TOML's. */
function toml(value: string): string {
  return JSON.stringify(value);
}

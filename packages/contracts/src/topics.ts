export const topics = {
  campaign: 'campaign.events.v1',
  donation: 'donation.events.v1',
  disbursement: 'disbursement.events.v1',
  ledger: 'ledger.entries.v1',
} as const;

export type Topic = (typeof topics)[keyof typeof topics];

/**
 * Dead letters of one consumer group: each failed message as it was, with the reason in its headers. One topic
 * per group, so one group's poison message is replayed to that group alone once fixed.
 */
export function deadLetterTopic(consumerGroup: string): string {
  return `dlq.${consumerGroup}`;
}

export const defaultPartitions = 6;

import { newId } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDonationLinks,
  receiptLink,
  stripeIdLink,
  type DonationLinks,
} from './donation-links.store.ts';

describe('donation links written a batch at a time', () => {
  let db: Connection;
  let links: DonationLinks;
  /** The write commands the connection sends to the links collection while `work` runs. */
  async function writeCommands(work: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    const client = db.getClient();
    const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
      if (
        ['insert', 'update'].includes(event.commandName) &&
        event.command[event.commandName] === 'donation_links'
      )
        seen.push(event.commandName);
    };
    client.on('commandStarted', listener);
    try {
      await work();
    } finally {
      client.off('commandStarted', listener);
    }
    return seen;
  }

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('donation_links'));
    links = createDonationLinks(db);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a webhook batch links 250 new charges, then one insert holds them all and each names its gift', async () => {
    const charges = Array.from({ length: 250 }, () => ({ chargeId: `ch_${newId()}`, donationId: newId() }));
    const commands = await writeCommands(() =>
      links.write(charges.map(({ chargeId, donationId }) => stripeIdLink('charge', chargeId, donationId))),
    );
    expect(commands).toEqual(['insert']);
    for (const { chargeId, donationId } of charges.slice(0, 5).concat(charges.slice(-5)))
      expect(await links.donationOfStripeId('charge', chargeId)).toBe(donationId);
  });

  it('when a key is already taken or repeats in the list, then the last write of a Stripe id wins and a receipt gains every gift', async () => {
    const reused = `pi_${newId()}`;
    const receipt = `hash-${newId()}`;
    const [first, second, third, fourth] = [newId(), newId(), newId(), newId()];
    await links.write([stripeIdLink('payment-intent', reused, first), receiptLink(receipt, first)]);

    const fresh = `ch_${newId()}`;
    await links.write([
      stripeIdLink('payment-intent', reused, second),
      receiptLink(receipt, second),
      stripeIdLink('charge', fresh, second),
      stripeIdLink('charge', fresh, third),
      receiptLink(receipt, third),
      stripeIdLink('payment-intent', reused, fourth),
    ]);

    expect(await links.donationOfStripeId('payment-intent', reused)).toBe(fourth);
    expect(await links.donationOfStripeId('charge', fresh)).toBe(third);
    expect((await links.donationsOfReceipt(receipt)).sort()).toEqual([first, second, third].sort());
  });

  it('when a batch decided again after a crash finds all its 250 links taken, then they are updated and the database keeps answering', async () => {
    const charges = Array.from({ length: 250 }, () => ({ chargeId: `ch_${newId()}`, donationId: newId() }));
    await links.write(
      charges.map(({ chargeId, donationId }) => stripeIdLink('charge', chargeId, donationId)),
    );
    const again = charges.map(({ chargeId }) => ({ chargeId, donationId: newId() }));
    await links.write(again.map(({ chargeId, donationId }) => stripeIdLink('charge', chargeId, donationId)));
    for (const { chargeId, donationId } of again.slice(0, 3).concat(again.slice(-3)))
      expect(await links.donationOfStripeId('charge', chargeId)).toBe(donationId);
  });

  it('when the same links are written again, then nothing changes (a batch decided again after a failure)', async () => {
    const receipt = `hash-${newId()}`;
    const gifts = [newId(), newId()];
    const writes = gifts.flatMap((donationId) => [
      receiptLink(receipt, donationId),
      stripeIdLink('charge', `ch_${donationId}`, donationId),
    ]);
    await links.write(writes);
    await links.write(writes);
    expect((await links.donationsOfReceipt(receipt)).sort()).toEqual([...gifts].sort());
    for (const donationId of gifts)
      expect(await links.donationOfStripeId('charge', `ch_${donationId}`)).toBe(donationId);
  });
});

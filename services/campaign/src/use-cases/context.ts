import type { CampaignStore } from '../store/campaigns.store.ts';
import type { OrganizationApplicationStore } from '../store/organization-applications.store.ts';
import type { OrganizationStore } from '../store/organizations.store.ts';
import type { SignInStore } from '../store/sign-in.store.ts';
import type { UpdateStore } from '../store/updates.store.ts';

/** What the use cases work with; app.ts builds it, tests may swap the clock. */
export interface CampaignContext {
  organizations: OrganizationStore;
  campaigns: CampaignStore;
  updates: UpdateStore;
  /** Organizations asking to join, until a platform administrator decides. */
  applications: OrganizationApplicationStore;
  /** Sign-in links, and which organizations each member's email address belongs to. */
  signIn: SignInStore;
  now: () => Date;
  newId: () => string;
  newApiKey: () => { apiKey: string; apiKeyHash: string };
  /** Wakes the outbox relay after a write queued messages. */
  outboxQueued: () => void;
}

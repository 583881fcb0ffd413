/** The public parts of a campaign the campaign service serves: its updates in full and who runs it. */
export interface CampaignDetails {
  id: string;
  status: 'draft' | 'active' | 'closed';
  goal: { amount: number; currency: string };
  updates: { id: string; title: string; body: string; postedAt: string }[];
  organization: { id: string; name: string; country: string; kind: string; createdAt: string } | null;
}

/**
 * Reads a public campaign from the campaign service. The giving page needs it (the currency gifts settle in,
 * whether it takes gifts); the record pages only use it for the updates' text, so there a failure shows less,
 * never an error.
 */
/** An organization's public page, as the campaign service serves it. */
export interface OrganizationProfile {
  organization: { id: string; name: string; country: string; kind: string; createdAt: string };
  campaigns: { id: string; title: string; summary: string; status: string; goal: { amount: number; currency: string } }[];
}

export function campaignClient(baseUrl: string) {
  return {
    /** Null for an organization with no public campaign (or when the service does not answer: the page says so). */
    async organization(organizationId: string): Promise<OrganizationProfile | null> {
      try {
        const response = await fetch(`${baseUrl}/v1/organizations/${encodeURIComponent(organizationId)}/profile`, { signal: AbortSignal.timeout(5_000) });
        return response.ok ? ((await response.json()) as OrganizationProfile) : null;
      } catch {
        return null;
      }
    },
    async details(campaignId: string): Promise<CampaignDetails | null> {
      try {
        const response = await fetch(`${baseUrl}/v1/campaigns/${encodeURIComponent(campaignId)}`, { signal: AbortSignal.timeout(5_000) });
        return response.ok ? ((await response.json()) as CampaignDetails) : null;
      } catch {
        return null;
      }
    },
  };
}

export type CampaignClient = ReturnType<typeof campaignClient>;

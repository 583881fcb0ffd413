/** A photo posted with an update: its type, size and SHA-256, the hash that is on the public record. */
export interface UpdatePhoto {
  contentType: string;
  size: number;
  sha256: string;
}

/** The public parts of a campaign the campaign service serves: its updates in full and who runs it. */
/** A platform administrator vouched for the organization on `verifiedAt`; null: not verified (absent from older services). */
export type PublicVerification = { status: 'verified'; verifiedAt: string } | null;

export interface CampaignDetails {
  id: string;
  status: 'draft' | 'active' | 'closed';
  goal: { amount: number; currency: string };
  updates: { id: string; title: string; body: string; postedAt: string; photo?: UpdatePhoto | null }[];
  organization: {
    id: string;
    name: string;
    country: string;
    kind: string;
    createdAt: string;
    verification?: PublicVerification;
    registrationNumber?: string | null;
    website?: string | null;
  } | null;
}

/**
 * Reads a public campaign from the campaign service. The giving page needs it (the currency gifts settle in,
 * whether it takes gifts); the record pages only use it for the updates' text, so there a failure shows less,
 * never an error.
 */
/** An organization's public page, as the campaign service serves it. */
export interface OrganizationProfile {
  organization: {
    id: string;
    name: string;
    country: string;
    kind: string;
    createdAt: string;
    verification?: PublicVerification;
    registrationNumber?: string | null;
    website?: string | null;
  };
  campaigns: {
    id: string;
    title: string;
    summary: string;
    status: string;
    goal: { amount: number; currency: string };
  }[];
}

export function campaignClient(baseUrl: string) {
  return {
    /** Null for an organization with no public campaign (or when the service does not answer: the page says so). */
    async organization(organizationId: string): Promise<OrganizationProfile | null> {
      try {
        const response = await fetch(
          `${baseUrl}/v1/organizations/${encodeURIComponent(organizationId)}/profile`,
          { signal: AbortSignal.timeout(5_000) },
        );
        return response.ok ? ((await response.json()) as OrganizationProfile) : null;
      } catch {
        return null;
      }
    },
    /** An update's photo as posted, or null when there is none (or the service does not answer). */
    async photo(
      campaignId: string,
      updateId: string,
    ): Promise<{ bytes: Buffer; contentType: string; sha256: string } | null> {
      try {
        const response = await fetch(
          `${baseUrl}/v1/campaigns/${encodeURIComponent(campaignId)}/updates/${encodeURIComponent(updateId)}/photo`,
          { signal: AbortSignal.timeout(10_000) },
        );
        if (!response.ok) return null;
        const contentType = response.headers.get('content-type') ?? '';
        // Only the image types the service accepts are passed on, whatever else might answer.
        if (!['image/jpeg', 'image/png', 'image/webp'].includes(contentType)) return null;
        return {
          bytes: Buffer.from(await response.arrayBuffer()),
          contentType,
          sha256: response.headers.get('x-content-sha256') ?? '',
        };
      } catch {
        return null;
      }
    },
    async details(campaignId: string): Promise<CampaignDetails | null> {
      try {
        const response = await fetch(`${baseUrl}/v1/campaigns/${encodeURIComponent(campaignId)}`, {
          signal: AbortSignal.timeout(5_000),
        });
        return response.ok ? ((await response.json()) as CampaignDetails) : null;
      } catch {
        return null;
      }
    },
  };
}

export type CampaignClient = ReturnType<typeof campaignClient>;

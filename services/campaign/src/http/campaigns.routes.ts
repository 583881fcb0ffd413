import { defineRoute } from '@aid/http-kit';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { close, editCampaign, publish } from '../use-cases/change-campaign.ts';
import type { CampaignContext } from '../use-cases/context.ts';
import { createCampaign } from '../use-cases/create-campaign.ts';
import { postUpdate } from '../use-cases/post-update.ts';
import {
  campaignForViewer,
  campaignsOfOwnOrganization,
  publicCampaigns,
  updatePhoto,
} from '../use-cases/read-campaigns.ts';
import { campaignBody, organizationRecordBody, updateBody } from './presenters.ts';
import {
  campaignListResponse,
  campaignResponse,
  campaignWithUpdatesResponse,
  createCampaignBody,
  encodeCursor,
  idParams,
  listCampaignsQuery,
  organizationCampaignsResponse,
  patchCampaignBody,
  postUpdateBody,
  problemResponse,
  updatePhotoParams,
  updateResponse,
} from './schemas.ts';

const tag = 'Campaigns';

type Params = z.infer<typeof idParams>;

const writeProblems = {
  401: { description: 'Missing or unknown key', schema: problemResponse },
  403: { description: 'Another organization, or a role that may not do this', schema: problemResponse },
  404: { description: 'No such campaign', schema: problemResponse },
  409: { description: 'Not allowed in the campaign’s current status', schema: problemResponse },
};

export function campaignRoutes(
  context: CampaignContext,
  auth: {
    member: (request: Request) => Promise<Actor>;
    optionalMember: (request: Request) => Promise<Actor | undefined>;
  },
) {
  const transition = (path: string, summary: string, run: typeof publish) =>
    defineRoute<undefined, Params, undefined, Actor>({
      method: 'post',
      path,
      summary,
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      responses: {
        200: { description: 'The campaign after the change', schema: campaignResponse },
        ...writeProblems,
      },
      async handle({ params, auth: actor }) {
        return { body: campaignBody(await run(context, actor, params.id)) };
      },
    });

  return [
    defineRoute<z.infer<typeof createCampaignBody>, undefined, undefined, Actor>({
      method: 'post',
      path: '/v1/campaigns',
      summary: "Create a draft campaign for the caller's organization (admin)",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      body: createCampaignBody,
      responses: {
        201: { description: 'Created as a draft', schema: campaignResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        401: writeProblems[401],
        403: writeProblems[403],
      },
      async handle({ body, auth: actor }) {
        return { status: 201, body: campaignBody(await createCampaign(context, actor, body)) };
      },
    }),
    defineRoute<z.infer<typeof patchCampaignBody>, Params, undefined, Actor>({
      method: 'patch',
      path: '/v1/campaigns/:id',
      summary:
        'Change title, summary, goal, crisis or the two-approver threshold for disbursements (admin); the goal currency is fixed once published',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      body: patchCampaignBody,
      responses: {
        200: { description: 'The campaign after the change', schema: campaignResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        ...writeProblems,
      },
      async handle({ body, params, auth: actor }) {
        return { body: campaignBody(await editCampaign(context, actor, params.id, body)) };
      },
    }),
    transition(
      '/v1/campaigns/:id/publish',
      'Publish a draft campaign: it becomes active and public (admin)',
      publish,
    ),
    transition(
      '/v1/campaigns/:id/close',
      'Close an active campaign: it stops taking gifts and stays public (admin)',
      close,
    ),
    defineRoute<z.infer<typeof postUpdateBody>, Params, undefined, Actor>({
      method: 'post',
      path: '/v1/campaigns/:id/updates',
      summary: 'Post a public update on an active or closed campaign (admin or field officer)',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      body: postUpdateBody,
      // The photo comes base64 inside the update's JSON rather than as a raw upload: an update and its photo are
      // one decision and one event carrying the photo's hash, with no half-posted state in between, and 5 MiB is
      // small enough to read whole. The body is read before authentication; failed authentications are limited.
      bodyLimit: '8mb',
      responses: {
        201: { description: 'Posted', schema: updateResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        ...writeProblems,
        413: { description: 'The photo (or the whole body) is too large', schema: problemResponse },
        415: { description: 'The photo is not a JPEG, PNG or WebP image', schema: problemResponse },
      },
      async handle({ body, params, auth: actor }) {
        const photo = body.photo === undefined ? undefined : Buffer.from(body.photo, 'base64');
        return {
          status: 201,
          body: updateBody(
            await postUpdate(context, actor, params.id, { title: body.title, body: body.body, photo }),
          ),
        };
      },
    }),
    defineRoute<undefined, z.infer<typeof updatePhotoParams>, undefined, undefined>({
      method: 'get',
      path: '/v1/campaigns/:id/updates/:updateId/photo',
      summary:
        'The photo of a public update, as posted; its SHA-256 is in the X-Content-SHA256 header and on the public record',
      tag,
      params: updatePhotoParams,
      responses: {
        200: { description: 'The photo (image/jpeg, image/png or image/webp)', contentType: 'image/*' },
        400: { description: 'Invalid ids', schema: problemResponse },
        404: { description: 'No such update with a photo on this campaign', schema: problemResponse },
      },
      async handle({ params }) {
        const { facts, bytes } = await updatePhoto(context, params.id, params.updateId);
        return {
          body: bytes,
          contentType: facts.contentType,
          headers: {
            'x-content-type-options': 'nosniff',
            'x-content-sha256': facts.sha256,
            // A photo never changes once posted.
            'cache-control': 'public, max-age=31536000, immutable',
          },
        };
      },
    }),
    defineRoute<undefined, undefined, z.infer<typeof listCampaignsQuery>, undefined>({
      method: 'get',
      path: '/v1/campaigns',
      summary: 'Active and closed campaigns, newest first, paged with limit and cursor',
      tag,
      query: listCampaignsQuery,
      responses: {
        200: { description: 'A page of campaigns', schema: campaignListResponse },
        400: { description: 'Invalid query', schema: problemResponse },
      },
      async handle({ query }) {
        const page = await publicCampaigns(context, {
          status: query.status,
          limit: query.limit,
          after: query.cursor,
        });
        return {
          body: {
            campaigns: page.campaigns.map(campaignBody),
            nextCursor: page.last === null ? null : encodeCursor(page.last),
          },
        };
      },
    }),
    defineRoute<undefined, Params, undefined, Actor>({
      method: 'get',
      path: '/v1/organizations/:id/campaigns',
      summary: "Every campaign of the caller's own organization, drafts included, newest first (its members)",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      responses: {
        200: { description: 'The campaigns', schema: organizationCampaignsResponse },
        401: writeProblems[401],
        404: { description: 'No such organization, or not yours', schema: problemResponse },
      },
      async handle({ params, auth: actor }) {
        return {
          body: {
            campaigns: (await campaignsOfOwnOrganization(context, actor, params.id)).map(campaignBody),
          },
        };
      },
    }),
    defineRoute<undefined, Params, undefined, Actor | undefined>({
      method: 'get',
      path: '/v1/campaigns/:id',
      summary:
        'A campaign with its latest updates and the public facts of its organization; drafts only for members of its organization',
      tag,
      security: 'optional-bearer',
      authenticate: auth.optionalMember,
      params: idParams,
      responses: {
        200: { description: 'The campaign', schema: campaignWithUpdatesResponse },
        401: writeProblems[401],
        404: { description: 'No such campaign, or a draft of another organization', schema: problemResponse },
      },
      async handle({ params, auth: viewer }) {
        const { campaign, updates, organization } = await campaignForViewer(context, viewer, params.id);
        return {
          body: {
            ...campaignBody(campaign),
            updates: updates.map(updateBody),
            organization: organization ? organizationRecordBody(organization) : null,
          },
        };
      },
    }),
  ];
}

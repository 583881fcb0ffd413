import { defineRoute } from '@aid/http-kit';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { addMember } from '../use-cases/add-member.ts';
import type { CampaignContext } from '../use-cases/context.ts';
import { organizationForMember } from '../use-cases/read-organization.ts';
import { registerOrganization } from '../use-cases/register-organization.ts';
import { memberBody, organizationBody, organizationRecordBody } from './presenters.ts';
import {
  addMemberBody,
  idParams,
  newMemberResponse,
  organizationResponse,
  problemResponse,
  registeredOrganizationResponse,
  registerOrganizationBody,
} from './schemas.ts';

const tag = 'Organizations';

export function organizationRoutes(
  context: CampaignContext,
  auth: { platformAdmin: (request: Request) => Promise<void>; member: (request: Request) => Promise<Actor> },
) {
  return [
    defineRoute<z.infer<typeof registerOrganizationBody>, undefined, undefined, void>({
      method: 'post',
      path: '/v1/organizations',
      summary: 'Register an organization and its first admin (platform administrator key); the admin key is shown once',
      tag,
      security: 'bearer',
      authenticate: auth.platformAdmin,
      body: registerOrganizationBody,
      responses: {
        201: { description: 'Registered', schema: registeredOrganizationResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not the platform administrator key', schema: problemResponse },
      },
      async handle({ body }) {
        const { organization, admin, apiKey } = await registerOrganization(context, body);
        return {
          status: 201,
          body: { ...organizationRecordBody(organization), apiKey, member: { id: admin.id, name: admin.name, role: admin.role } },
        };
      },
    }),
    defineRoute<z.infer<typeof addMemberBody>, z.infer<typeof idParams>, undefined, Actor>({
      method: 'post',
      path: '/v1/organizations/:id/members',
      summary: "Add a member with a role (an admin of this organization); the member's key is shown once",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      body: addMemberBody,
      responses: {
        201: { description: 'Added', schema: newMemberResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not an admin of this organization', schema: problemResponse },
        404: { description: 'No such organization', schema: problemResponse },
        409: { description: 'Email already a member', schema: problemResponse },
      },
      async handle({ body, params, auth: actor }) {
        const { member, apiKey } = await addMember(context, actor, params.id, body);
        return { status: 201, body: { ...memberBody(member), apiKey } };
      },
    }),
    defineRoute<undefined, z.infer<typeof idParams>, undefined, Actor>({
      method: 'get',
      path: '/v1/organizations/:id',
      summary: 'An organization and its members (members of that organization only)',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      responses: {
        200: { description: 'The organization', schema: organizationResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        404: { description: 'No such organization, or not yours', schema: problemResponse },
      },
      async handle({ params, auth: actor }) {
        return { body: organizationBody(await organizationForMember(context, actor, params.id)) };
      },
    }),
  ];
}

import { newId } from '@aid/contracts';
import {
  clientAddress,
  createHttpApp,
  rateLimit,
  rawSessionVerifyKey,
  sessionSigningKey,
  sessionVerifyKey,
  withRawUploads,
} from '@aid/http-kit';
import type { Locale } from '@aid/i18n';
import { smtpMailer, type Mailer, type ServiceDeps, type ServiceParts } from '@aid/runtime';
import type { CampaignConfig } from './config.ts';
import { newApiKey } from './domain/api-key.ts';
import type { Actor } from './domain/actor.ts';
import { memberAuthenticator, optionalMember, platformAdminAuthenticator } from './http/auth.ts';
import { campaignRoutes } from './http/campaigns.routes.ts';
import { applicationDocumentsPath } from './http/application-document-body.ts';
import { organizationApplicationRoutes } from './http/organization-applications.routes.ts';
import { organizationRoutes } from './http/organizations.routes.ts';
import { passkeyRoutes } from './http/passkey.routes.ts';
import { inviteMember, signInRoutes } from './http/sign-in.routes.ts';
import { statusByCode } from './http/status-by-code.ts';
import { campaignStore } from './store/campaigns.store.ts';
import { organizationApplicationStore } from './store/organization-applications.store.ts';
import { organizationStore } from './store/organizations.store.ts';
import { passkeyStore } from './store/passkeys.store.ts';
import { signInStore } from './store/sign-in.store.ts';
import { updateStore } from './store/updates.store.ts';
import type { CampaignContext } from './use-cases/context.ts';
import type { PasskeyDeps } from './use-cases/passkeys.ts';
import { sendInvitation, type SignInDeps } from './use-cases/sign-in.ts';

export type AppConfig = Pick<CampaignConfig, 'PLATFORM_ADMIN_KEY'> &
  Partial<
    Pick<
      CampaignConfig,
      | 'SESSION_SIGNING_KEY'
      | 'SMTP_URL'
      | 'SIGN_IN_FROM'
      | 'PUBLIC_WEB_URL'
      | 'RATE_LIMIT_SIGN_IN_PER_ADDRESS'
      | 'RATE_LIMIT_SIGN_IN_PER_EMAIL'
      | 'RATE_LIMIT_APPLICATIONS_PER_ADDRESS'
      | 'RATE_LIMIT_APPLICATION_DOCUMENTS_PER_ADDRESS'
    >
  > & {
    /** Tests hand in a mailer that records what was sent; otherwise SMTP_URL decides. */
    mailer?: Mailer;
  };

export async function buildApp(deps: ServiceDeps, config: AppConfig): Promise<ServiceParts> {
  const context: CampaignContext = {
    organizations: organizationStore(deps.db),
    campaigns: campaignStore(deps.db),
    updates: updateStore(deps.db),
    applications: organizationApplicationStore(deps.db),
    signIn: signInStore(deps.db),
    now: () => new Date(),
    newId,
    newApiKey,
    outboxQueued: () => deps.outboxQueued(),
  };
  // Keys stored before the key links existed get theirs before the first request is authenticated.
  await context.organizations.backfillKeyLinks();
  await context.campaigns.backfillLinks();
  await context.updates.backfillLinks();
  await context.signIn.backfillEmails(() => context.organizations.memberEmails());
  const signingSeed = config.SESSION_SIGNING_KEY ? Buffer.from(config.SESSION_SIGNING_KEY, 'base64') : null;
  const signIn: SignInDeps = {
    signIn: context.signIn,
    mailer:
      config.mailer ??
      (config.SMTP_URL
        ? smtpMailer(config.SMTP_URL, config.SIGN_IN_FROM ?? 'Diaspora Aid <sign-in@diaspora-aid.org>')
        : null),
    consoleUrl: config.PUBLIC_WEB_URL ?? 'http://localhost:4000',
    sessionKey: signingSeed ? sessionSigningKey(signingSeed) : null,
    logger: deps.logger,
  };
  // This service checks the tokens it signs with the same public key the others are given.
  const member = memberAuthenticator(
    context.organizations,
    signingSeed ? sessionVerifyKey(rawSessionVerifyKey(signingSeed)) : undefined,
  );
  const limit = (
    name: string,
    spec: AppConfig['RATE_LIMIT_SIGN_IN_PER_ADDRESS'],
    description: string,
    key: Parameters<typeof rateLimit>[0]['key'],
  ) =>
    rateLimit({
      name,
      spec: spec ?? { limit: 10, windowMs: 900_000 },
      description,
      key,
      counters: deps.rateLimits.counters,
      logger: deps.logger,
    });
  const signInLimits = [
    limit(
      'sign-in-per-address',
      config.RATE_LIMIT_SIGN_IN_PER_ADDRESS,
      'sign-in requests from this client address',
      clientAddress,
    ),
    limit(
      'sign-in-per-email',
      config.RATE_LIMIT_SIGN_IN_PER_EMAIL ?? { limit: 5, windowMs: 3_600_000 },
      'sign-in links asked for this email address',
      (request) => {
        const email = (request.body as { email?: unknown } | undefined)?.email;
        return typeof email === 'string' ? email.trim().toLowerCase() : undefined;
      },
    ),
  ];
  const applicationLimits = {
    submit: [
      limit(
        'applications-per-address',
        config.RATE_LIMIT_APPLICATIONS_PER_ADDRESS ?? { limit: 5, windowMs: 3_600_000 },
        'organization applications from this client address',
        clientAddress,
      ),
    ],
    documents: [
      limit(
        'application-documents-per-address',
        config.RATE_LIMIT_APPLICATION_DOCUMENTS_PER_ADDRESS ?? { limit: 30, windowMs: 3_600_000 },
        'application documents from this client address',
        clientAddress,
      ),
    ],
  };
  // Passkeys are bound to the console's site: its host name and exact origin.
  const consoleSite = new URL(signIn.consoleUrl);
  const passkeys: PasskeyDeps = {
    passkeys: passkeyStore(deps.db),
    rpName: 'Diaspora Aid',
    rpId: consoleSite.hostname,
    origin: consoleSite.origin,
  };
  // The contact person of an approved application is its first admin: they get an invitation that signs them in.
  const welcomeApproved = async (organizationId: string): Promise<void> => {
    const organization = signIn.mailer ? await context.organizations.find(organizationId) : null;
    const admin = organization?.members.find((member) => member.role === 'admin' && member.email !== null);
    if (!organization || !admin) return;
    await sendInvitation(context, signIn, {
      organization,
      member: admin,
      inviter: 'Diaspora Aid',
      locale: 'en',
    }).catch((error: unknown) => {
      deps.logger.warn(
        { err: error, organizationId },
        'the approved organization was not emailed; its admin can ask for a sign-in link',
      );
    });
  };
  const invitations = signIn.mailer
    ? (actor: Actor, organizationId: string, memberId: string, locale: Locale) =>
        inviteMember(context, signIn, actor, organizationId, memberId, locale)
    : null;
  const platformAdmin = platformAdminAuthenticator(config.PLATFORM_ADMIN_KEY, context.organizations);
  const app = createHttpApp({
    serviceName: 'campaign',
    description: 'Organizations, their members and API keys, crisis campaigns and their public updates.',
    logger: deps.logger,
    routes: [
      ...organizationRoutes(context, { platformAdmin, member }, invitations),
      ...organizationApplicationRoutes(context, { platformAdmin }, applicationLimits, welcomeApproved),
      ...signInRoutes(context, signIn, { member }, { signIn: signInLimits }),
      ...passkeyRoutes(context, passkeys, signIn, { member }, { signIn: signInLimits }),
      ...campaignRoutes(context, { member, optionalMember: optionalMember(member) }),
    ],
    statusByCode,
    readiness: () => deps.ready(),
    trustProxy: deps.rateLimits.trustProxy,
    authenticationFailureLimits: deps.rateLimits.authenticationFailures,
  });
  return {
    app: withRawUploads(app, [applicationDocumentsPath]),
    outboxSources: [
      context.organizations.outboxSource,
      context.campaigns.outboxSource,
      context.updates.outboxSource,
    ],
  };
}

import type { MemberRole } from '@aid/contracts';
import { createTranslator, formatters, type Locale } from '@aid/i18n';
import type { Mail } from '@aid/runtime';
import { invitationLifetimeMs, signInLinkLifetimeMs } from '../domain/sign-in.ts';

/**
 * The sign-in link asked for on the sign-in page: one link per organization the address is a member of. The
 * link is the credential, so the mail says how long it works and that without it nobody can sign in.
 */
export function signInMail(facts: {
  to: string;
  locale: Locale;
  links: { organizationName: string; url: string }[];
}): Mail {
  const { t } = createTranslator(facts.locale);
  return {
    to: facts.to,
    subject: t('email.signIn.subject'),
    text: [
      t('email.signIn.intro'),
      '',
      ...facts.links.map((link) =>
        t('email.signIn.linkFor', { organization: link.organizationName, url: link.url }),
      ),
      '',
      t('email.signIn.expires', { minutes: signInLinkLifetimeMs / 60_000 }),
      t('email.signIn.ignore'),
    ].join('\n'),
    language: facts.locale,
  };
}

/** A new member's invitation: who invited them, where and as what, and the link that signs them in the first time. */
export function invitationMail(facts: {
  to: string;
  locale: Locale;
  inviter: string;
  organizationName: string;
  role: MemberRole;
  url: string;
  expiresAt: Date;
}): Mail {
  const { t } = createTranslator(facts.locale);
  const fmt = formatters(facts.locale);
  return {
    to: facts.to,
    subject: t('email.invitation.subject', { inviter: facts.inviter, organization: facts.organizationName }),
    text: [
      t('email.invitation.body', {
        inviter: facts.inviter,
        organization: facts.organizationName,
        role: facts.role,
      }),
      '',
      t('email.invitation.open', { url: facts.url }),
      '',
      t('email.invitation.expires', {
        days: invitationLifetimeMs / 86_400_000,
        date: fmt.date(facts.expiresAt),
      }),
    ].join('\n'),
    language: facts.locale,
  };
}

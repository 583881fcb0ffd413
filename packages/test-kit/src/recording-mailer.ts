/** A mail as the services hand it to their mailer (the shape of `Mail` in @aid/runtime). */
export interface RecordedMail {
  to: string;
  subject: string;
  text: string;
  messageId?: string;
  language?: string;
}

/** The first link in the latest of these mails to this address. */
export function lastLinkTo(mails: readonly RecordedMail[], address: string): URL {
  const mail = mails.filter((candidate) => candidate.to === address).at(-1);
  const url = /https?:\/\/\S+/.exec(mail?.text ?? '')?.[0];
  if (!url) throw new Error(`no link was mailed to ${address}`);
  return new URL(url);
}

/**
 * A mailer that keeps what it is given instead of sending it, so tests read the emails people would get and
 * follow their links. Fits wherever a service takes a `Mailer`.
 */
export function recordingMailer() {
  const sent: RecordedMail[] = [];
  return {
    sent,
    send(mail: RecordedMail): Promise<void> {
      sent.push(mail);
      return Promise.resolve();
    },
    close(): void {},
    /** The first link in the latest mail to this address. */
    linkTo: (address: string): URL => lastLinkTo(sent, address),
  };
}

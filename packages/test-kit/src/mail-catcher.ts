import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import { lastLinkTo, type RecordedMail } from './recording-mailer.ts';

/** An SMTP server for a test: services started as processes send their mail to `smtpUrl`, the test reads it. */
export interface MailCatcher {
  /** For a service's SMTP_URL. */
  smtpUrl: string;
  /** Every mail received, one entry per recipient, in the order they arrived. */
  sent: RecordedMail[];
  /** The first link in the latest mail to this address. */
  linkTo(address: string): URL;
  stop(): Promise<void>;
}

/**
 * Starts an SMTP server on a free port that keeps every message, decoded (nodemailer sends long lines as
 * quoted-printable). A message is recorded before the server accepts it, so once a service's request that sent
 * it has answered, the mail is here.
 */
export async function startMailCatcher(): Promise<MailCatcher> {
  const sent: RecordedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on the loopback: without STARTTLS offered, nodemailer sends in the clear instead of asking for TLS.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        PostalMime.parse(Buffer.concat(chunks)).then((email) => {
          const language = email.headers.find((header) => header.key === 'content-language')?.value;
          for (const recipient of session.envelope.rcptTo)
            sent.push({
              to: recipient.address,
              subject: email.subject ?? '',
              text: email.text ?? '',
              ...(email.messageId ? { messageId: email.messageId } : {}),
              ...(language ? { language } : {}),
            });
          callback();
        }, callback);
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    sent,
    linkTo: (address) => lastLinkTo(sent, address),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

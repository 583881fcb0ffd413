/** Mail through SMTP: receipts to donors, sign-in links and invitations to organizations' people. */
import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** A stable Message-ID: a resend of the same receipt is recognisable as the same message. */
  messageId?: string;
  /** The BCP 47 language the mail is written in, sent as Content-Language. */
  language?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** Mail through the SMTP server in `SMTP_URL` (smtp:// or smtps://, credentials in the URL if needed). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
        ...(mail.language ? { headers: { 'content-language': mail.language } } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}

import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** SMTP when `SMTP_URL` is set; otherwise the message goes to the log, so a newcomer still gets the link. */
export function createMailer(smtpUrl: string | undefined, logger: FastifyBaseLogger, from?: string): Mailer {
  if (!smtpUrl) {
    return {
      async send(mail) {
        logger.info({ to: mail.to, subject: mail.subject }, `e-mail (no SMTP_URL set):\n${mail.text}`);
      },
    };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from: from ?? 'Parley <no-reply@parley.local>', ...mail });
    },
  };
}

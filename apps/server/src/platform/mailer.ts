import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends and waits: a refused or failed delivery is the caller's error. */
  send(mail: Mail): Promise<void>;
  /** Sends in the background: a failed delivery is logged, never the caller's error. */
  post(mail: Mail): void;
}

/** SMTP when `SMTP_URL` is set; otherwise the message goes to the log, so a newcomer still gets the link. */
export function createMailer(smtpUrl: string | undefined, logger: FastifyBaseLogger, from?: string): Mailer {
  const withPost = (send: Mailer['send']): Mailer => ({
    send,
    post: (mail) => {
      send(mail).catch((err) => logger.warn({ err, to: mail.to, subject: mail.subject }, 'e-mail not sent'));
    },
  });
  if (!smtpUrl) {
    return withPost(async (mail) => {
      logger.info({ to: mail.to, subject: mail.subject }, `e-mail (no SMTP_URL set):\n${mail.text}`);
    });
  }
  // Nodemailer waits up to 10 minutes on a silent socket by default: a mail server that hangs must
  // cost a request seconds, not minutes.
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return withPost(async (mail) => {
    await transport.sendMail({ from: from ?? 'Parley <no-reply@parley.local>', ...mail });
  });
}

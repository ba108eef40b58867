import nodemailer from 'nodemailer';

export interface MailMessage {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
}

/** The mail edge: SMTP in production, anything that records messages in tests. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer, configured by SMTP_URL (`smtp://user:pass@host:587`, `smtps://…`). */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({
        from: message.from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
      });
    },
    close: () => transport.close(),
  };
}

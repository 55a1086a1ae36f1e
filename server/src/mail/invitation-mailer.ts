import nodemailer from 'nodemailer';

/** What an invitation mail says: who invites whom to which contract, the link, and until when it works. */
export interface InvitationMail {
  readonly to: string;
  readonly link: string;
  readonly contractName: string;
  readonly clientName: string;
  readonly clientEmail: string;
  readonly expiresAt: Date;
}

/** Sends invitation mails. The server has one when the operator gave --smtp; without it the link is only shown. */
export interface InvitationMailer {
  send(mail: InvitationMail): Promise<void>;
  close(): void;
}

export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The text of the mail: plain text only (no HTML to render, no tracking pixel), the link on a line of its own. */
export function invitationText(mail: InvitationMail): { subject: string; text: string } {
  const from = mail.clientName ? `${mail.clientName} (${mail.clientEmail})` : mail.clientEmail;
  return {
    subject: `${from} invites you to the contract "${mail.contractName}" on Worktrace`,
    text: [
      `${from} invites you to work on the contract "${mail.contractName}" and track your time with Worktrace.`,
      '',
      'Open this link to see the terms, then accept or decline:',
      '',
      mail.link,
      '',
      `The link works once, for ${mail.to} only, until ${mail.expiresAt.toUTCString()}.`,
      'If you did not expect this, ignore this mail: nothing happens unless you accept.',
      '',
    ].join('\n'),
  };
}

/**
 * The transport settings an smtp:// (STARTTLS when the server offers it) or smtps:// URL names, with deadlines so a
 * mail server that hangs cannot hold the client's request for long.
 */
export function smtpOptions(url: string) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new MailError('SMTP_URL_INVALID', 'expected an smtp:// or smtps:// URL');
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
    // nodemailer's own logging stays off: it would print the link, which holds the token.
    logger: false,
    debug: false,
  };
}

/** nodemailer over the operator's SMTP server. */
export function smtpMailer(url: string, from: string): InvitationMailer {
  const transport = nodemailer.createTransport(smtpOptions(url), { from });
  return {
    async send(mail) {
      const { subject, text } = invitationText(mail);
      try {
        await transport.sendMail({ to: mail.to, subject, text });
      } catch (error) {
        const e = error as { code?: string; responseCode?: number };
        // Only the code: nodemailer's message can quote the SMTP dialogue, and with it the link.
        throw new MailError(e.code ?? 'EMAIL_FAILED', `the mail server did not take the invitation (${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''})`);
      }
    },
    close: () => transport.close(),
  };
}

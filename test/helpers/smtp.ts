import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A message the server accepted, as mailparser reads it, with the envelope it came in. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** Who logged in to send it (AUTH), if anyone. */
  user: string | null;
  /** Whether the session was encrypted (smtps:// or after STARTTLS). */
  secure: boolean;
  parsed: ParsedMail;
}

/** An SMTP reply to answer a command with instead of accepting it, e.g. `{ code: 451, message: "Try again later" }`. */
export interface SmtpRefusal {
  code: number;
  message: string;
}

export interface TestSmtpOptions {
  /** Require AUTH with these credentials (after STARTTLS or on smtps://). */
  auth?: { user: string; pass: string };
  /** smtps://: TLS from the first byte, with smtp-server's built-in self-signed certificate. */
  secure?: boolean;
  /** Offer STARTTLS (self-signed certificate). Default: not offered, unless `auth` is set. */
  startTls?: boolean;
  /** Called for every DATA, 1 for the first; a refusal answers it instead of accepting the message. */
  refuseData?: (attempt: number) => SmtpRefusal | null;
  /** Called for every RCPT TO; a refusal rejects that recipient. */
  refuseRecipient?: (address: string) => SmtpRefusal | null;
}

export interface TestSmtpServer {
  readonly port: number;
  /** The SMTP_URL that reaches it (no credentials unless given). The self-signed certificate is accepted. */
  url(credentials?: { user: string; pass: string }): string;
  /** Every accepted message, in arrival order. */
  readonly received: ReceivedMail[];
  /** DATA commands seen, accepted or refused. */
  readonly dataAttempts: number;
  close(): Promise<void>;
}

function refusal({ code, message }: SmtpRefusal): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Starts a real SMTP server (the `smtp-server` package) on a free loopback port, collecting what it accepts. */
export async function startTestSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let dataAttempts = 0;
  const startTls = options.startTls ?? options.auth !== undefined;
  const server = new SMTPServer({
    secure: options.secure ?? false,
    hideSTARTTLS: !startTls,
    authOptional: options.auth === undefined,
    logger: false,
    // A reverse DNS lookup of 127.0.0.1 per connection would slow every test down, some past their timeouts.
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      if (expected && auth.username === expected.user && auth.password === expected.pass) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const refused = options.refuseRecipient?.(address.address);
      callback(refused ? refusal(refused) : null);
    },
    onData(stream, session, callback) {
      dataAttempts += 1;
      const attempt = dataAttempts;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const refused = options.refuseData?.(attempt);
        if (refused) return callback(refusal(refused));
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
              user: typeof session.user === "string" ? session.user : null,
              secure: session.secure,
              parsed,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url(credentials) {
      const login = credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@` : "";
      return `${options.secure ? "smtps" : "smtp"}://${login}127.0.0.1:${port}?tls.rejectUnauthorized=false`;
    },
    received,
    get dataAttempts() {
      return dataAttempts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

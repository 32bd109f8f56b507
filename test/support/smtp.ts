import { simpleParser, type ParsedMail } from 'mailparser';
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on 127.0.0.1 that keeps every message it receives, parsed. */
export class TestSmtpServer {
  readonly received: ParsedMail[] = [];
  /** While true, every message is refused with 451 (try again later), as by a server in trouble. */
  refusing = false;
  /** While true, a message's data is taken but never answered, as by a hung server. */
  stalling = false;
  /** Messages held by `stalling` (their senders wait until they give up or go away). */
  stalled = 0;
  private server?: SMTPServer;

  async listen(port = 0): Promise<number> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        if (!this.refusing) return callback();
        callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
      },
      onData: (stream, _session, callback) => {
        if (this.stalling) {
          this.stalled++;
          stream.resume(); // read and drop it; the answer never comes
          return;
        }
        simpleParser(stream).then(
          (mail) => {
            this.received.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return (this.server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import { log } from '../log.ts';
import { renderEmail, type Email, type RenderedEmail } from './templates.ts';

/**
 * The email outbox. An email is a row written in the same transaction as what it announces, so
 * it exists exactly when that change committed. A sender in the BFF process delivers due rows:
 * it claims a batch with `FOR UPDATE SKIP LOCKED` (two senders never take the same row) and a
 * lease (a sender that dies mid-send leaves the row due again when the lease ends), then marks
 * each row sent, or schedules a retry with exponential backoff. Nothing is lost to a crash or an
 * SMTP outage; an email is sent twice only if a sender dies between sending and marking it sent,
 * and then both copies carry the same Message-ID.
 *
 * The link inside an invitation must be in the row until it is sent; once sent, it is removed
 * from the row, so the database keeps invitation tokens only as hashes.
 */

export type OutgoingEmail = Email & { to: string; lang: string };

export async function enqueueEmail(db: Db, email: OutgoingEmail, now: Date): Promise<void> {
  await db
    .insertInto('email_outbox')
    .values({
      recipient: email.to,
      template: email.template,
      lang: email.lang,
      payload: JSON.stringify(email.payload),
      created_at: now,
      next_attempt_at: now,
    })
    .execute();
}

/** Where rendered emails go: an SMTP server, or the built-in mailbox. */
export interface MailTransport {
  /**
   * `messageKey` is the same for every attempt at one outbox row and differs between rows (its
   * id and creation time, so a database started afresh never repeats one): a copy sent again
   * after a crash between the server's 250 and the outbox commit carries the same Message-ID,
   * and receivers de-duplicate it.
   */
  send(
    message: RenderedEmail & { to: string; outboxId: string; messageKey: string },
  ): Promise<void>;
}

interface ClaimedRow {
  id: string;
  recipient: string;
  template: string;
  lang: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
}

const LEASE_MILLISECONDS = 60_000;
const FIRST_RETRY_MILLISECONDS = 5_000;
const LONGEST_RETRY_MILLISECONDS = 60 * 60_000;

export function retryDelay(attempts: number): number {
  return Math.min(
    FIRST_RETRY_MILLISECONDS * 2 ** Math.max(0, attempts - 1),
    LONGEST_RETRY_MILLISECONDS,
  );
}

export class OutboxSender {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopping = false;
  /** The row this sender holds the lease of while it sends it. */
  private claimed?: string;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    private readonly batchSize = 10,
  ) {}

  /** Deliver what is due now; answers how many emails were sent. */
  async runOnce(): Promise<number> {
    let sent = 0;
    // One email per claim: the lease covers one send (bounded by the transport's timeouts), never
    // a whole batch that a slow server could drag past the lease.
    for (let i = 0; i < this.batchSize && !this.stopping; i++) {
      const row = await this.claimOne();
      if (!row) break;
      if (await this.deliver(row)) sent++;
    }
    return sent;
  }

  private async claimOne(): Promise<ClaimedRow | undefined> {
    const now = this.clock.now();
    const { rows } = await sql<ClaimedRow>`
      update email_outbox
      set attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + LEASE_MILLISECONDS)}
      where id in (
        select id from email_outbox
        where sent_at is null and next_attempt_at <= ${now}
        order by id
        limit 1
        for update skip locked)
      returning id, recipient, template, lang, payload, attempts, created_at`.execute(this.db);
    return rows[0];
  }

  /** Send one claimed email; on failure, schedule the retry. */
  private async deliver(row: ClaimedRow): Promise<boolean> {
    const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
    this.claimed = row.id;
    try {
      const rendered = renderEmail({ template: row.template, payload } as Email, row.lang);
      const messageKey = `outbox.${row.id}.${new Date(row.created_at).getTime().toString(36)}`;
      await this.transport.send({
        ...rendered,
        to: row.recipient,
        outboxId: String(row.id),
        messageKey,
      });
      await sql`update email_outbox
        set sent_at = ${this.clock.now()}, last_error = null, payload = payload - 'link'
        where id = ${row.id}`.execute(this.db);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryAt = new Date(this.clock.now().getTime() + retryDelay(row.attempts));
      log.warn('email not sent; will retry', {
        outbox_id: row.id,
        attempts: row.attempts,
        error: message,
      });
      await this.db
        .updateTable('email_outbox')
        .set({ next_attempt_at: retryAt, last_error: message.slice(0, 1000) })
        .where('id', '=', row.id)
        .execute();
      return false;
    } finally {
      this.claimed = undefined;
    }
  }

  /** Deliver every `intervalMs`, and soon after `poke()`. */
  start(intervalMs = 2_000): void {
    this.timer = setInterval(() => this.poke(), intervalMs);
    this.timer.unref();
  }

  /** Something was just enqueued: deliver without waiting for the next tick (one run at a time). */
  poke(): void {
    if (this.running || this.stopping) return;
    this.running = this.runOnce()
      .catch((error: unknown) => log.warn('outbox run failed', { error: String(error) }))
      .finally(() => {
        this.running = undefined;
      });
  }

  /**
   * Stop sending: finish the email being sent if that takes less than `graceMs`, else give up its
   * lease, so another replica sends it at once rather than when the lease would have ended.
   */
  async stop(graceMs = Infinity): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      if (Number.isFinite(graceMs)) timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.running, graceOver]);
    clearTimeout(timer);
    const unfinished = this.claimed;
    if (unfinished === undefined) return;
    // The send is cut off when the process exits; an SMTP server that has not answered DATA
    // has not accepted the message, so sending it again does not make it arrive twice.
    log.info('outbox lease released at shutdown', { outbox_id: unfinished });
    await sql`update email_outbox set next_attempt_at = ${this.clock.now()}
      where id = ${unfinished} and sent_at is null`.execute(this.db);
  }
}

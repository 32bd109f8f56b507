import type { ApiError } from '../api/client.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { UmConfirmEmailDoneEvent } from '../events.ts';
import { EmailedLinkView, type LinkOutcome } from './emailed-link-view.ts';

/**
 * The view of the emailed link `?confirm_email_token=…` (sent to the new address after a change
 * of email in the Account panel): it posts the token (`POST /iam/auth/email/confirm`, no session
 * needed) as soon as it has one, then says what the email is now, that another account took the
 * address meanwhile, or that the link was used, replaced or is over 24 hours old (the rest:
 * EmailedLinkView). Continue fires `um-confirm-email-done` (`detail.changed`, `detail.email`),
 * for the root element to show the sign-in view or the panel again.
 *
 * @csspart confirm-email-view - The view's card.
 */
export class UmConfirmEmailView extends EmailedLinkView {
  protected readonly kind = 'confirmEmail';
  protected readonly partName = 'confirm-email-view';
  protected readonly texts = {
    working: 'confirmEmail.working',
    doneHeading: 'confirmEmail.done.heading',
    doneText: 'confirmEmail.done.text',
    invalidHeading: 'confirmEmail.invalid.heading',
    invalidText: 'confirmEmail.invalid.text',
    takenText: 'confirmEmail.taken.text',
    failedHeading: 'confirmEmail.failed.heading',
    retry: 'confirmEmail.retry',
    continue: 'confirmEmail.continue',
  } as const;

  /** The email after the change. */
  private email = '';

  protected async send(token: string) {
    this.email = (await this.client.confirmEmailChange(token)).email;
  }

  protected override outcomeOf(error: ApiError): LinkOutcome {
    return error.status === 400 && error.fieldErrors.new_email ? 'taken' : super.outcomeOf(error);
  }

  protected override doneParams() {
    return { email: this.email };
  }

  protected leave() {
    const changed = this.outcome === 'done';
    this.dispatchEvent(
      new UmConfirmEmailDoneEvent(changed ? { changed, email: this.email } : { changed }),
    );
  }
}

define('um-confirm-email-view', UmConfirmEmailView);

declare global {
  interface HTMLElementTagNameMap {
    'um-confirm-email-view': UmConfirmEmailView;
  }
}

import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { UmDisable2faDoneEvent } from '../events.ts';
import { EmailedLinkView } from './emailed-link-view.ts';

/**
 * The view of the emailed link `?disable_2fa_token=…`: it posts the token
 * (`POST /iam/auth/2fa/disable/confirm`, no session needed) as soon as it has one, then says that
 * two-factor authentication is off, or that the link was used, replaced or is over an hour old
 * (the rest: EmailedLinkView). Continue fires `um-disable-2fa-done` (`detail.disabled`), for the
 * root element to show the sign-in view or the panel again.
 *
 * @csspart disable-2fa-view - The view's card.
 */
export class UmDisable2faView extends EmailedLinkView {
  protected readonly kind = 'disable2fa';
  protected readonly partName = 'disable-2fa-view';
  protected readonly texts = {
    working: 'disableTwoFa.working',
    doneHeading: 'disableTwoFa.done.heading',
    doneText: 'disableTwoFa.done.text',
    invalidHeading: 'disableTwoFa.invalid.heading',
    invalidText: 'disableTwoFa.invalid.text',
    failedHeading: 'disableTwoFa.failed.heading',
    retry: 'disableTwoFa.retry',
    continue: 'disableTwoFa.continue',
  } as const;

  protected async send(token: string) {
    await this.client.confirmTwoFaDisable(token);
  }

  protected leave() {
    this.dispatchEvent(new UmDisable2faDoneEvent({ disabled: this.outcome === 'done' }));
  }
}

define('um-disable-2fa-view', UmDisable2faView);

declare global {
  interface HTMLElementTagNameMap {
    'um-disable-2fa-view': UmDisable2faView;
  }
}

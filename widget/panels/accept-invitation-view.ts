import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { PASSWORD_MIN_LENGTH, acceptInvitationBody } from '../../shared/form-checks.ts';
import type {
  AcceptInvitationBody,
  InvitationState,
  InvitationStateName,
} from '../../shared/invitations.ts';
import { ApiError, isAbortError, type ApiClient, asApiError } from '../api/client.ts';
import {
  announceError,
  UmAcceptDoneEvent,
  UmAcceptLanguageEvent,
  UmAcceptSignInEvent,
  UmInvitationAcceptedEvent,
} from '../events.ts';
import { issuesToFieldErrors } from '../locales/errors.ts';
import { type MessageKey } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { viewCard } from '../styles/card.ts';
import { acceptInvitationViewStyles } from './accept-invitation-view.styles.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';
import { submitButton } from '../components/submit-button.ts';

/** An answer of the accept request that says the link itself is no longer good. */
const STATE_BY_CODE: Partial<Record<string, InvitationStateName>> = {
  invitation_invalid: 'invalid',
  invitation_expired: 'expired',
  invitation_used: 'used',
};

/**
 * The page an invitation link opens (PRODUCT.md "Accepting an invitation"). It asks the BFF what
 * the link is, then shows one of: the password form (a new person), a one-click accept (a person
 * who already has a login), or a page saying the link has expired, was used or is not valid.
 *
 * After an acceptance it fires `um-invitation-accepted` (public) and `um-accept-done` (internal,
 * with the account's name) so the root can show the sign-in view; "Sign in" on the used-link page
 * fires `um-accept-sign-in` (internal). Once the link is known it fires `um-accept-language`
 * (internal, `detail`: the invitee's language), which the root follows unless the host set `lang`.
 */
export class UmAcceptInvitationView extends LitElement {
  static override styles = [controls, viewCard, acceptInvitationViewStyles];

  private readonly localize = new LocalizeController(this);
  private readonly fields = new FormController(this, this.localize);

  @provided(clientContext) client!: ApiClient;
  /** The token of the link (`?token=…`). */
  @property({ attribute: false }) token = '';

  @state() private busy = false;
  @state() private failure: ApiError | undefined;
  @state() private failureSuppressed = false;
  /** The accept request found the link dead: show that page instead of the form. */
  @state() private lateState: InvitationStateName | undefined;

  private readonly invitation = new Task(this, {
    task: async ([client, token], { signal }) => {
      this.lateState = undefined;
      try {
        const invitation = await client.invitation(token, signal);
        if (invitation.lang) {
          this.dispatchEvent(new UmAcceptLanguageEvent(invitation.lang));
        }
        return invitation;
      } catch (error) {
        if (error instanceof ApiError) {
          // A BFF that answers the lookup itself with the state's error code.
          const state = STATE_BY_CODE[error.code];
          if (state)
            return {
              state,
              email: null,
              company_name: null,
              name: null,
              lang: null,
              new_user: null,
              expires_at: null,
            };
        }
        if (!isAbortError(error)) {
          this.report(error);
        }
        throw error;
      }
    },
    args: () => [this.client, this.token] as const,
  });

  override render() {
    return html`<section class="card" part="accept-view" aria-labelledby="accept-heading">
      ${this.invitation.render({
        initial: () => this.renderLoading(),
        pending: () => this.renderLoading(),
        complete: (invitation) => this.renderInvitation(invitation),
        error: (error) => this.renderLookupError(error),
      })}
    </section>`;
  }

  private renderLoading() {
    return html`
      <h2 id="accept-heading" class="visually-hidden">${this.localize.t('accept.loading')}</h2>
      <p role="status">${this.localize.t('accept.loading')}</p>
    `;
  }

  private renderLookupError(error: unknown) {
    const message =
      error instanceof ApiError
        ? this.localize.error(error)
        : this.localize.t('error.unexpected_response');
    return html`
      <h2 id="accept-heading">${this.localize.t('accept.failed.heading')}</h2>
      ${this.failureSuppressed ? nothing : html`<p class="alert" part="error" role="alert">${message}</p>`}
      <div>
        <button type="button" part="button" @click=${() => this.invitation.run()}>
          ${this.localize.t('accept.retry')}
        </button>
      </div>
    `;
  }

  private renderInvitation(invitation: InvitationState) {
    const state = this.lateState ?? invitation.state;
    switch (state) {
      case 'expired':
        return this.renderDeadLink('accept.expired.heading', 'accept.expired.text');
      case 'used':
        return html`
          ${this.renderDeadLink('accept.used.heading', 'accept.used.text')}
          <div>
            <button
              type="button"
              class="primary"
              part="button"
              @click=${() => this.dispatchEvent(new UmAcceptSignInEvent(undefined))}
            >
              ${this.localize.t('accept.signIn')}
            </button>
          </div>
        `;
      case 'valid':
        return this.renderForm(invitation);
      default:
        return this.renderDeadLink('accept.invalid.heading', 'accept.invalid.text');
    }
  }

  private renderDeadLink(heading: MessageKey, text: MessageKey) {
    return html`
      <h2 id="accept-heading">${this.localize.t(heading)}</h2>
      <p>${this.localize.t(text)}</p>
    `;
  }

  private renderForm(invitation: InvitationState) {
    const company = invitation.company_name ?? '';
    const newUser = invitation.new_user !== false;
    const fields = this.fields;
    const failure =
      this.failure && !this.failureSuppressed ? this.localize.error(this.failure) : '';
    return html`
      <h2 id="accept-heading">${this.localize.t('accept.heading', { company })}</h2>
      <p>${this.localize.t('accept.intro', { company })}</p>
      <p class="hint">${this.localize.t(newUser ? 'accept.introNew' : 'accept.introExisting')}</p>
      <form novalidate @submit=${(event: SubmitEvent) => this.onSubmit(event, invitation)}>
        <div class="fields">
          <p class="alert" part="error" role="alert">${failure}</p>
          ${fields.textField({
            id: 'accept-email',
            name: 'email',
            label: this.localize.t('accept.email'),
            type: 'email',
            autocomplete: 'username',
            readonly: true,
            value: invitation.email ?? '',
          })}
          ${
            newUser
              ? html`
                  ${fields.textField({
                    id: 'accept-name',
                    name: 'name',
                    label: this.localize.t('accept.name'),
                    autocomplete: 'name',
                    // What the administrator typed, for the invitee to keep or correct.
                    value: invitation.name ?? '',
                  })}
                  ${fields.textField({
                    id: 'accept-password',
                    name: 'password',
                    label: this.localize.t('accept.password'),
                    type: 'password',
                    autocomplete: 'new-password',
                    hint: this.localize.t('accept.passwordHint', { min: PASSWORD_MIN_LENGTH }),
                  })}
                  ${fields.textField({
                    id: 'accept-repeat',
                    name: 'repeat',
                    label: this.localize.t('accept.repeatPassword'),
                    type: 'password',
                    autocomplete: 'new-password',
                  })}
                `
              : nothing
          }
          ${submitButton(
            this.localize.t(
              this.busy ? 'accept.submitting' : newUser ? 'accept.submit' : 'accept.submitExisting',
            ),
            this.busy,
            { part: 'button submit' },
          )}
        </div>
      </form>
    `;
  }

  private async onSubmit(event: SubmitEvent, invitation: InvitationState) {
    event.preventDefault();
    if (this.busy) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    this.failure = undefined;
    let body: AcceptInvitationBody = {};
    if (invitation.new_user !== false) {
      const password = String(data.get('password') ?? '');
      const name = String(data.get('name') ?? '').trim();
      const parsed = acceptInvitationBody({ password, ...(name ? { name } : {}) });
      const errors = parsed.success ? {} : issuesToFieldErrors(parsed.error.issues, 'password');
      if (password !== String(data.get('repeat') ?? '')) {
        errors.repeat = [this.localize.t('accept.passwordMismatch')];
      }
      if (!parsed.success || errors.repeat) {
        this.fields.show(errors);
        await this.fields.focusFirstInvalid();
        return;
      }
      body = parsed.data;
    }
    this.fields.clear();
    this.busy = true;
    try {
      const result = await this.client.acceptInvitation(this.token, body);
      this.dispatchEvent(
        new UmInvitationAcceptedEvent({ email: result.email, clientId: result.client_id }),
      );
      this.dispatchEvent(
        new UmAcceptDoneEvent({ email: result.email, company: invitation.company_name ?? '' }),
      );
    } catch (error) {
      const apiError = asApiError(error);
      const state = STATE_BY_CODE[apiError.code];
      if (state) {
        this.lateState = state;
      } else {
        this.report(apiError);
        this.failure = apiError;
        this.fields.show(apiError.fieldErrors);
        await this.fields.focusFirstInvalid();
      }
    } finally {
      this.busy = false;
    }
  }

  private report(error: unknown) {
    this.failureSuppressed = announceError(this, error).suppressed;
  }
}

define('um-accept-invitation-view', UmAcceptInvitationView);

declare global {
  interface HTMLElementTagNameMap {
    'um-accept-invitation-view': UmAcceptInvitationView;
  }
}

import { LitElement, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { ClientMe } from '../../shared/clients.ts';
import type { FieldErrors } from '../../shared/errors.ts';
import { actorOf, can, type Actor } from '../../shared/permissions.ts';
import { OFFERED_LANGUAGES, type Language } from '../../shared/roles.ts';
import { changeEmailBody, updateUserBody } from '../../shared/form-checks.ts';
import type { UpdateUserBody, User } from '../../shared/users.ts';
import { ApiError, isAbortError, type ApiClient } from '../api/client.ts';
import { announceError, UmUserUpdatedEvent } from '../events.ts';
import { issuesToFieldErrors } from '../locales/errors.ts';
import { controls } from '../styles/controls.ts';
import { sectionCard, sectionForm } from '../styles/card.ts';
import { accountPanelStyles } from './account-panel.styles.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import './last-logins-section.ts';
import './two-fa-section.ts';
import './security-policy-section.ts';
import { IDLE, SUBMIT, type Outcome, type UmAccountPasswordForm } from './account-password-form.ts';
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';

interface General {
  name: string;
  email: string;
  lang: string;
  phone: string;
  /** The current password, asked for only when the email changes. */
  password: string;
}

function generalOf(user: User): General {
  return {
    name: user.name ?? '',
    email: user.email,
    lang: user.lang,
    phone: user.phone ?? '',
    password: '',
  };
}

/**
 * The Account panel (PRODUCT.md "Account panel"), for every member: their own details.
 *
 * **General** — Username (name), Email, Language, Phone. Save is disabled until something
 * changed; Discard puts back the values loaded from the BFF. A changed email needs the current
 * password (a field that appears then) and goes through `PUT /iam/users/{id}/email`, which emails
 * a confirmation link to the new address: the email changes when that link is opened
 * (`<um-confirm-email-view>`), so the field keeps showing the current one and a notice says where
 * the link went. The other fields through `PATCH /iam/users/{id}`. General checks its input with
 * the BFF's rules first (shared/form-checks.ts) and shows errors next to its fields. **Password**
 * (`<um-account-password-form>`, in the panel's shadow root), **Two-factor authentication**
 * (`<um-two-fa-section>`) and **Last logins** (`<um-last-logins-section>`) follow.
 */
export class UmAccountPanel extends LitElement {
  static override styles = [controls, sectionCard, sectionForm, accountPanelStyles];

  private readonly localize = new LocalizeController(this);
  private readonly generalFields = new FormController(this, this.localize, {
    root: () => this.renderRoot.querySelector('[part~="account-general"]'),
    idPrefix: 'general-',
  });

  @provided(clientContext) client!: ApiClient;
  /** The account and the caller (`GET /iam/clients/me`). */
  @provided(meContext) me: ClientMe | undefined;

  /** The values the BFF holds: what Discard goes back to and Save compares with. */
  @state() private saved: General | undefined;
  @state() private general: General | undefined;
  @state() private generalOutcome: Outcome = IDLE;

  private readonly user = new Task(this, {
    task: async ([client, userId], { signal }) => {
      if (!userId) return undefined;
      try {
        return await client.user(userId, signal);
      } catch (error) {
        if (!isAbortError(error)) this.report(error);
        throw error;
      }
    },
    args: () => [this.client, this.me?.currentUser] as const,
    onComplete: (user) => {
      if (!user) return;
      this.saved = generalOf(user);
      this.general = generalOf(user);
      this.generalOutcome = IDLE;
      this.generalFields.clear();
      this.renderRoot.querySelector<UmAccountPasswordForm>('um-account-password-form')?.reset();
    },
  });

  private get actor(): Actor | undefined {
    return actorOf(this.me);
  }

  /** Only the owner of an email changes it: here that is always the caller, but ask the rule. */
  private get mayChangeEmail(): boolean {
    const actor = this.actor;
    return actor ? can(actor, 'users.change_email', { userId: actor.userId }) : false;
  }

  private get emailChanged(): boolean {
    const { general, saved } = this;
    return Boolean(general && saved && general.email.trim().toLowerCase() !== saved.email);
  }

  private get dirty(): boolean {
    const { general, saved } = this;
    if (!general || !saved) return false;
    return (
      general.name !== saved.name ||
      general.lang !== saved.lang ||
      general.phone !== saved.phone ||
      this.emailChanged
    );
  }

  override render() {
    return html`
      <section part="panel" aria-labelledby="account-heading">
        <h2 id="account-heading" part="heading" tabindex="-1">
          ${this.localize.t('account.heading')}
        </h2>
        ${this.user.render({
          initial: () => this.renderLoading(),
          pending: () => (this.general ? this.renderSections() : this.renderLoading()),
          complete: () => (this.general ? this.renderSections() : this.renderLoading()),
          error: (error) =>
            isAbortError(error)
              ? nothing
              : html`<div class="alert" part="error" role="alert">
                  <p>
                    ${this.localize.t('account.loadFailed')}
                    ${error instanceof ApiError && !this.suppressed ? this.localize.error(error) : ''}
                  </p>
                  <button type="button" part="button" @click=${() => this.user.run()}>
                    ${this.localize.t('users.retry')}
                  </button>
                </div>`,
        })}
      </section>
    `;
  }

  private renderLoading() {
    return html`<p class="hint" role="status">${this.localize.t('account.loading')}</p>`;
  }

  private renderSections() {
    const user = this.user.value;
    return html`<div class="sections">
      ${this.renderGeneral()}
      <um-account-password-form .email=${this.saved?.email ?? ''}></um-account-password-form>
      <um-two-fa-section
        exportparts="account-two-fa, two-fa-qr, two-fa-key, backup-codes, input, button, error, field-error, notice"
        .enabled=${user?.two_fa ?? false}
        .email=${this.saved?.email ?? ''}
      ></um-two-fa-section>
      <um-security-policy-section></um-security-policy-section>
      <um-last-logins-section
        exportparts="account-logins, filters, input, table, row, cell, pagination, page-button, summary, button, error, empty"
      ></um-last-logins-section>
    </div>`;
  }

  private renderGeneral() {
    const g = this.general!;
    const outcome = this.generalOutcome;
    const fields = this.generalFields;
    const languages: string[] = [...OFFERED_LANGUAGES];
    // A language set elsewhere that this form does not offer (Gcore's `az`) stays selectable.
    if (!languages.includes(g.lang)) languages.push(g.lang);
    const patch = (change: Partial<General>) => {
      this.general = { ...this.general!, ...change };
      if (this.generalOutcome.notice) this.generalOutcome = { ...this.generalOutcome, notice: '' };
    };
    return html`
      <form
        class="card"
        part="account-general"
        aria-labelledby="general-heading"
        novalidate
        @submit=${this.saveGeneral}
      >
        <h3 id="general-heading">${this.localize.t('account.general')}</h3>
        <p
          class=${outcome.notice ? 'notice' : 'notice quiet'}
          part="notice"
          role="status"
          tabindex="-1"
          data-notice="general"
        >
          ${outcome.notice}
        </p>
        <div class="alert" part="error" role="alert">
          ${outcome.failure ? html`<p>${outcome.failure}</p>` : nothing}
        </div>
        ${fields.textField({
          id: 'general-name',
          name: 'name',
          label: this.localize.t('account.username'),
          type: 'text',
          value: g.name,
          autocomplete: 'name',
          onInput: (name) => patch({ name }),
        })}
        ${fields.textField({
          id: 'general-email',
          name: 'email',
          label: this.localize.t('account.email'),
          type: 'email',
          value: g.email,
          autocomplete: 'email',
          readonly: !this.mayChangeEmail,
          onInput: (email) => patch({ email }),
        })}
        ${
          this.emailChanged
            ? fields.textField({
                id: 'general-password',
                name: 'password',
                label: this.localize.t('account.currentPassword'),
                type: 'password',
                value: g.password,
                autocomplete: 'current-password',
                required: true,
                hint: this.localize.t('account.currentPasswordHint'),
                onInput: (password) => patch({ password }),
              })
            : nothing
        }
        <div class="field">
          <label for="general-lang">${this.localize.t('account.language')}</label>
          <select
            id="general-lang"
            part="input"
            name="lang"
            aria-invalid=${fields.invalid('lang')}
            aria-describedby=${fields.describedBy('lang')}
            @change=${(event: Event) => patch({ lang: (event.target as HTMLSelectElement).value })}
          >
            ${languages.map(
              (lang) =>
                html`<option value=${lang} ?selected=${g.lang === lang}>
                  ${this.localize.t(`lang.${lang as Language}`)}
                </option>`,
            )}
          </select>
          ${fields.message('lang')}
        </div>
        ${fields.textField({
          id: 'general-phone',
          name: 'phone',
          label: this.localize.t('account.phone'),
          type: 'tel',
          value: g.phone,
          autocomplete: 'tel',
          onInput: (phone) => patch({ phone }),
        })}
        <div class="actions">
          <button
            type="button"
            part="button"
            data-action="discard"
            ?disabled=${!this.dirty || outcome.busy}
            @click=${this.discard}
          >
            ${this.localize.t('account.discard')}
          </button>
          <button
            type="submit"
            class="primary"
            part="button"
            ?disabled=${!this.dirty || outcome.busy}
            aria-busy=${outcome.busy ? 'true' : 'false'}
          >
            ${this.localize.t(outcome.busy ? 'account.saving' : 'account.save')}
          </button>
        </div>
      </form>
    `;
  }

  private async discard() {
    if (!this.saved) return;
    this.general = { ...this.saved };
    this.generalOutcome = IDLE;
    this.generalFields.clear();
    await this.updateComplete;
    // Discard is disabled now: keep focus in the form, on its first field.
    this.renderRoot.querySelector<HTMLInputElement>('#general-name')?.focus();
  }

  private async saveGeneral(event: SubmitEvent) {
    event.preventDefault();
    const { general: g, saved } = this;
    const userId = this.me?.currentUser;
    if (!g || !saved || !userId || this.generalOutcome.busy || !this.dirty) return;

    const errors: FieldErrors = {};
    const profile: UpdateUserBody = {};
    if (g.name !== saved.name) profile.name = g.name;
    if (g.lang !== saved.lang) profile.lang = g.lang as UpdateUserBody['lang'];
    if (g.phone !== saved.phone) profile.phone = g.phone.trim();
    const profileCheck = updateUserBody(profile);
    if (!profileCheck.success) {
      Object.assign(errors, issuesToFieldErrors(profileCheck.error.issues, 'name'));
    }
    const emailBody = this.emailChanged ? { new_email: g.email, password: g.password } : undefined;
    if (emailBody) {
      const emailCheck = changeEmailBody(emailBody);
      if (!emailCheck.success) {
        const emailErrors = issuesToFieldErrors(emailCheck.error.issues, 'email');
        Object.assign(errors, renameEmailField(emailErrors));
      }
    }
    this.generalFields.show(errors);
    if (this.generalFields.hasErrors) {
      this.generalOutcome = IDLE;
      await this.generalFields.focusFirstInvalid(SUBMIT);
      return;
    }

    this.generalOutcome = { ...IDLE, busy: true };
    // The email changes only when the link sent to the new address is opened.
    let sentTo: string | undefined;
    try {
      // The email first: it is the part that can be refused (password, taken, hourly limit).
      if (emailBody) sentTo = (await this.client.changeEmail(userId, emailBody)).new_email;
      if (Object.keys(profile).length) {
        const user = await this.client.updateUser(userId, profile);
        this.saved = generalOf(user);
        this.dispatchEvent(new UmUserUpdatedEvent({ userId, lang: user.lang }));
      }
      // The field shows the current email until the link is opened.
      this.general = { ...this.saved! };
      this.generalOutcome = { ...IDLE, notice: this.savedNotice(sentTo) };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-notice="general"]')?.focus();
    } catch (error) {
      const apiError = this.report(error);
      // The link went out even though the rest was refused: say so, and show the current email.
      if (sentTo) this.general = { ...g, email: this.saved!.email, password: '' };
      this.generalFields.show(renameEmailField(apiError.fieldErrors));
      this.generalOutcome = {
        ...IDLE,
        failure: this.failureText(
          apiError,
          apiError.code === 'rate_limited'
            ? this.localize.t('account.emailRateLimited')
            : undefined,
        ),
        notice: sentTo ? this.localize.t('account.emailConfirmationSent', { email: sentTo }) : '',
      };
      await this.generalFields.focusFirstInvalid(SUBMIT);
    }
  }

  private savedNotice(sentTo: string | undefined): string {
    return sentTo
      ? this.localize.t('account.emailConfirmationSent', { email: sentTo })
      : this.localize.t('account.saved');
  }

  /** The alert's text, unless the host cancelled `um-error` to show it its own way. */
  private failureText(error: ApiError, lead?: string): string {
    return this.suppressed ? '' : this.localize.error(error, lead);
  }

  private suppressed = false;

  private report(error: unknown): ApiError {
    const { error: apiError, suppressed } = announceError(this, error);
    this.suppressed = suppressed;
    return apiError;
  }
}

/** The email request names its field `new_email`; the form's field is `email`. */
function renameEmailField(errors: FieldErrors): FieldErrors {
  const { new_email: newEmail, ...rest } = errors;
  return newEmail ? { ...rest, email: [...(rest.email ?? []), ...newEmail] } : rest;
}

define('um-account-panel', UmAccountPanel);

declare global {
  interface HTMLElementTagNameMap {
    'um-account-panel': UmAccountPanel;
  }
}

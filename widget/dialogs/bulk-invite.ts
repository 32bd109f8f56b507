import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { INVITE_BATCH_MAX } from '../../shared/form-checks.ts';
import { ROLE } from '../../shared/roles.ts';
import type { ApiClient, ApiError } from '../api/client.ts';
import '../components/user-form.ts';
import {
  cloudOf,
  emptyUserForm,
  type UmUserForm,
  type UserFormState,
} from '../components/user-form.ts';
import { busyButton } from '../components/submit-button.ts';
import { clientContext, provided } from '../context.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { announceError, UmUsersInvitedEvent } from '../events.ts';
import { bulkInviteStyles } from './bulk-invite.styles.ts';
import { previewTable, resultsTable, withResults, type BulkRow } from './bulk-invite-table.ts';
import {
  checkInvitee,
  parseAddresses,
  parseCsv,
  type InviteDefaults,
  type Invitee,
} from './bulk-invitees.ts';

/** How long typing in the preview pauses before the list is checked again. */
const RECHECK_DELAY_MS = 400;

/**
 * "Invite several" (docs/bulk-invitations.md), inside the Invite user dialog: paste addresses or
 * choose a CSV file, with one IAM role, language and Cloud access for all; then a preview where
 * each row says whether it would be invited (the BFF's dry run answers what only it knows:
 * already a member, over the day's allowance), and rows can be fixed or dropped; then the
 * results, with Resend for those invited. One `um-users-invited` per batch, so the Users list
 * refreshes once. Importing this module defines the element (the dialog imports it on first use).
 */
export class UmBulkInvite extends LitElement {
  static override styles = bulkInviteStyles;

  private readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  /** The account invited into. */
  @property({ attribute: false }) clientId = 0;
  /** Called by Close (the dialog closes itself). */
  @property({ attribute: false }) onClose: () => void = () => {};

  @state() private step: 'compose' | 'preview' | 'results' = 'compose';
  @state() private text = '';
  @state() private file: { name: string; people: Invitee[] } | undefined;
  @state() private composeError = '';
  @state() private rows: BulkRow[] = [];
  @state() private busy = false;
  @state() private failure: ApiError | undefined;
  @state() private failureSuppressed = false;

  @query('um-user-form') private form?: UmUserForm;
  /** The choices for everyone, kept while the form is out of sight (preview, results). */
  private formState: UserFormState = emptyUserForm();
  private defaults: InviteDefaults = { roleId: ROLE.users, lang: 'en', cloud: undefined };
  /** Only the newest check may change the rows: an older answer is for a list no longer shown. */
  private checking?: AbortController;
  private recheckTimer?: ReturnType<typeof setTimeout>;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.checking?.abort();
    clearTimeout(this.recheckTimer);
  }

  protected override firstUpdated(): void {
    this.form?.reset(this.formState);
  }

  /** A request is under way: the dialog stays open until it is answered. */
  get sending(): boolean {
    return this.busy;
  }

  /** The textarea takes focus when the mode opens. */
  override focus() {
    this.renderRoot.querySelector<HTMLTextAreaElement>('#bulk-addresses')?.focus();
  }

  override render() {
    return html`
      <div class="body">
        <div class="alert" part="error" role="alert">${this.alertLines()}</div>
        ${
          this.step === 'compose'
            ? this.renderCompose()
            : this.step === 'preview'
              ? this.renderPreview()
              : this.renderResults()
        }
      </div>
      <footer>${this.renderButtons()}</footer>
    `;
  }

  private alertLines() {
    const lines = [
      this.composeError,
      this.failure && !this.failureSuppressed ? this.localize.error(this.failure) : '',
      this.rows.length > INVITE_BATCH_MAX && this.step === 'preview'
        ? this.localize.t('bulk.tooMany', {
            max: INVITE_BATCH_MAX,
            extra: this.rows.length - INVITE_BATCH_MAX,
          })
        : '',
    ].filter(Boolean);
    return lines.map((line) => html`<p>${line}</p>`);
  }

  private renderCompose() {
    const t = this.localize.t.bind(this.localize);
    return html`
      <div class="columns">
        <div class="column">
          <label class="field">
            <span>${t('bulk.addresses')}</span>
            <textarea
              id="bulk-addresses"
              part="input"
              rows="8"
              aria-describedby="bulk-addresses-hint"
              .value=${this.text}
              @input=${(e: Event) => (this.text = (e.target as HTMLTextAreaElement).value)}
            ></textarea>
            <span id="bulk-addresses-hint">${t('bulk.addressesHint')}</span>
          </label>
          <label class="field">
            <span>${t('bulk.file')}</span>
            <input
              id="bulk-file"
              part="input"
              type="file"
              accept=".csv,text/csv"
              aria-describedby="bulk-file-hint"
              @change=${this.onFile}
            />
            <span id="bulk-file-hint">
              ${
                this.file
                  ? t('bulk.fileRows', { file: this.file.name, count: this.file.people.length })
                  : t('bulk.fileHint')
              }
            </span>
          </label>
        </div>
        <div class="column">
          <p class="defaults">${t('bulk.defaults')}</p>
          <um-user-form several></um-user-form>
        </div>
      </div>
    `;
  }

  private renderPreview() {
    const ready = this.rows.filter((row) => row.status === 'valid').length;
    return html`
      <p class="summary" role="status">
        ${this.localize.t('bulk.summary', { ready, count: this.rows.length })}
      </p>
      ${previewTable(this.rows, this.defaults, this.localize, {
        edit: (i, change) => this.edit(i, change),
        drop: (i) => this.drop(i),
      })}
    `;
  }

  private renderResults() {
    const invited = this.rows.filter((row) => row.status === 'invited').length;
    return html`
      <p class="summary" role="status">
        ${this.localize.t('bulk.resultsSummary', { invited, count: this.rows.length })}
      </p>
      ${resultsTable(this.rows, this.localize, (i) => void this.resend(i))}
    `;
  }

  private renderButtons() {
    const t = this.localize.t.bind(this.localize);
    const close = html`<button
      type="button"
      part="button"
      ?disabled=${this.busy}
      @click=${() => this.onClose()}
    >
      ${t(this.step === 'results' ? 'bulk.close' : 'invite.cancel')}
    </button>`;
    if (this.step === 'compose')
      return html`${close}${busyButton(t('bulk.preview'), false, { action: 'preview' }, () =>
        this.preview(),
      )}`;
    if (this.step === 'results')
      return html`${close}<button
          type="button"
          part="button"
          data-action="again"
          @click=${() => this.again()}
        >
          ${t('bulk.again')}
        </button>`;
    const ready = this.rows.filter((row) => row.status === 'valid').length;
    // Not a busy button while merely blocked: aria-busy says a request is under way.
    const blocked = this.rows.length > INVITE_BATCH_MAX || ready === 0;
    return html`
      <button type="button" part="button" ?disabled=${this.busy} @click=${() => this.back()}>
        ${t('bulk.back')}
      </button>
      ${
        this.rows.some((row) => row.status === 'unchecked')
          ? html`<button type="button" part="button" @click=${() => void this.check()}>
              ${t('bulk.checkAgain')}
            </button>`
          : nothing
      }
      <button
        type="button"
        class="primary"
        part="button"
        data-action="send"
        ?disabled=${this.busy || blocked}
        aria-busy=${this.busy ? 'true' : 'false'}
        @click=${() => void this.send()}
      >
        ${t(this.busy ? 'bulk.sending' : 'bulk.send', { count: ready })}
      </button>
    `;
  }

  private async onFile(event: Event) {
    const input = event.target as HTMLInputElement;
    const chosen = input.files?.[0];
    this.composeError = '';
    this.file = undefined;
    if (!chosen) return;
    try {
      this.file = { name: chosen.name, people: parseCsv(await chosen.text()) };
    } catch {
      this.composeError = this.localize.t('bulk.fileFailed');
    }
  }

  private preview() {
    const people = [...parseAddresses(this.text), ...(this.file?.people ?? [])];
    if (people.length === 0) {
      this.composeError = this.localize.t('bulk.nothing');
      return;
    }
    this.composeError = '';
    this.formState = this.form?.value ?? this.formState;
    const f = this.formState;
    this.defaults = { roleId: f.roleId, lang: f.lang, cloud: cloudOf(f) };
    this.rows = people.map((person) => ({ person, status: 'checking' }));
    this.step = 'preview';
    void this.check();
  }

  private async back() {
    this.checking?.abort();
    this.failure = undefined;
    this.step = 'compose';
    await this.updateComplete;
    this.form?.reset(this.formState);
  }

  private async again() {
    this.text = '';
    this.file = undefined;
    this.rows = [];
    await this.back();
  }

  /** The rows that pass the list's own checks, with their index: what the BFF is asked about. */
  private sendable() {
    return this.rows.flatMap((row, index) => {
      const checked = checkInvitee(row.person, this.defaults);
      return 'row' in checked ? [{ index, row: checked.row }] : [];
    });
  }

  /** Every row's status: the list's own checks, then the BFF's dry run for the rest. */
  private async check() {
    clearTimeout(this.recheckTimer);
    this.checking?.abort();
    const controller = (this.checking = new AbortController());
    this.failure = undefined;
    this.rows = this.rows.map((row) => {
      const checked = checkInvitee(row.person, this.defaults);
      return 'errors' in checked
        ? { person: row.person, status: 'invalid', errors: checked.errors }
        : { person: row.person, status: 'checking' };
    });
    const sendable = this.sendable();
    if (sendable.length === 0 || this.rows.length > INVITE_BATCH_MAX) {
      this.rows = this.rows.map((row) =>
        row.status === 'checking' ? { ...row, status: 'unchecked' } : row,
      );
      return;
    }
    try {
      const { results } = await this.client.inviteUsers(
        { client_id: this.clientId, users: sendable.map((s) => s.row), dry_run: true },
        controller.signal,
      );
      if (controller.signal.aborted) return;
      this.rows = withResults(this.rows, sendable, results);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.showFailure(error);
      this.rows = this.rows.map((row) =>
        row.status === 'checking' ? { ...row, status: 'unchecked' } : row,
      );
    }
  }

  private edit(index: number, change: Partial<Invitee>) {
    this.rows = this.rows.map((row, i) =>
      i === index ? { person: { ...row.person, ...change }, status: 'checking' } : row,
    );
    clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => void this.check(), RECHECK_DELAY_MS);
  }

  private drop(index: number) {
    this.rows = this.rows.filter((_, i) => i !== index);
    if (this.rows.length === 0) void this.back();
    else void this.check();
  }

  private async send() {
    this.checking?.abort();
    clearTimeout(this.recheckTimer);
    const sendable = this.sendable();
    this.busy = true;
    this.failure = undefined;
    try {
      const { results } = await this.client.inviteUsers({
        client_id: this.clientId,
        users: sendable.map((s) => s.row),
      });
      this.rows = withResults(this.rows, sendable, results);
      this.step = 'results';
      const invited = this.rows.flatMap((row) =>
        row.status === 'invited' && row.userId !== undefined
          ? [{ userId: row.userId, email: row.person.email.trim().toLowerCase() }]
          : [],
      );
      if (invited.length > 0) this.dispatchEvent(new UmUsersInvitedEvent({ invited }));
    } catch (error) {
      this.showFailure(error);
    } finally {
      this.busy = false;
    }
  }

  private async resend(index: number) {
    const row = this.rows[index];
    if (row.userId === undefined || row.resend?.busy) return;
    const patch = (resend: BulkRow['resend']) =>
      (this.rows = this.rows.map((r, i) => (i === index ? { ...r, resend } : r)));
    patch({ busy: true, done: false });
    try {
      await this.client.resendInvite(this.clientId, row.userId);
      patch({ busy: false, done: true });
    } catch (error) {
      const { error: apiError } = announceError(this, error);
      patch({ busy: false, done: false, failure: this.localize.error(apiError) });
    }
  }

  private showFailure(error: unknown) {
    const { error: apiError, suppressed } = announceError(this, error);
    this.failure = apiError;
    this.failureSuppressed = suppressed;
  }
}

define('um-bulk-invite', UmBulkInvite);

declare global {
  interface HTMLElementTagNameMap {
    'um-bulk-invite': UmBulkInvite;
  }
}

import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { html as staticHtml, literal } from 'lit/static-html.js';
import type { FieldErrors } from '../../shared/errors.ts';
import type { LocalizeController } from './localize.ts';

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode };

/** A labelled text input (or textarea) of the form: the one markup every form's fields share. */
export interface TextFieldOptions {
  /** The input's id (its hint's is `${id}-hint`). */
  id: string;
  /** The field's name, which its errors are keyed by. */
  name: string;
  label: string;
  value?: string;
  type?: string;
  autocomplete?: string;
  hint?: string;
  required?: boolean;
  readonly?: boolean;
  placeholder?: string;
  maxlength?: number;
  inputmode?: string;
  /** A `<textarea>` (several lines) instead of an `<input>`: no `type` or default `autocomplete`. */
  multiline?: boolean;
  onInput?: (value: string) => void;
}

export interface FormOptions {
  /** The form's element: focus stays in it, and only edits in it clear errors. Default: the host's. */
  root?: () => ParentNode | null | undefined;
  /** Makes the message ids unique when one element holds several forms (`general-`). */
  idPrefix?: string;
  /** Error keys of the BFF shown at a field of another name (`date` ← `exp_date`). */
  aliases?: Record<string, readonly string[]>;
  /** Fields whose error includes those of their parts (`user_role` ← `user_role.id`). */
  groups?: readonly string[];
  /** One message in the user's words; default: the shared field-message translation. */
  message?: (message: string) => string;
}

/**
 * The field errors of one form (as Shoelace's `FormControlController`): what the BFF or a shared
 * schema said about each field, shown next to it with `aria-invalid` and `aria-describedby`, focus
 * on the first invalid field, and a field's error gone as soon as its value changes. A control
 * names its field by `name`, or by `data-field` where the error's key differs
 * (`cloud.projects.0.role`).
 */
export class FormController implements ReactiveController {
  private errors: FieldErrors = {};

  constructor(
    private readonly host: Host,
    private readonly localize: LocalizeController,
    private readonly options: FormOptions = {},
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('input', this.onEdit);
    this.host.addEventListener('change', this.onEdit);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('input', this.onEdit);
    this.host.removeEventListener('change', this.onEdit);
  }

  /** Shows these errors instead of the previous ones. */
  show(errors: FieldErrors): void {
    this.errors = errors;
    this.host.requestUpdate();
  }

  clear(): void {
    this.show({});
  }

  /** Whether any field has an error. */
  get hasErrors(): boolean {
    return Object.keys(this.errors).length > 0;
  }

  /** Every error, by key: for a form that places some of them itself. */
  get all(): FieldErrors {
    return this.errors;
  }

  /** The translated messages of a field, joined; undefined when it has none. */
  text(field: string): string | undefined {
    const messages = this.keysOf(field).flatMap((key) => this.errors[key] ?? []);
    if (!messages.length) return undefined;
    const say = this.options.message ?? ((message: string) => this.localize.fieldError(message));
    return messages.map(say).join(' ');
  }

  /** `aria-invalid` of a field's control. */
  invalid(field: string): 'true' | 'false' {
    return this.text(field) ? 'true' : 'false';
  }

  /** `aria-describedby` of a field's control: its hints, then its error when it has one. */
  describedBy(field: string, ...hints: string[]): string | typeof nothing {
    const ids = [...hints, this.text(field) ? this.errorId(field) : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : nothing;
  }

  /** The id of a field's error message (`cloud.projects.0.role` → `cloud-projects-0-role-error`). */
  errorId(field: string): string {
    return `${this.options.idPrefix ?? ''}${field.replace(/\./g, '-')}-error`;
  }

  /** A field's error message, to render next to it. */
  message(field: string) {
    const text = this.text(field);
    return text
      ? html`<span class="field-error" part="field-error" id=${this.errorId(field)}>${text}</span>`
      : nothing;
  }

  /**
   * A labelled input with its hint and its error. The value is bound as a property, so a form
   * that reads its fields on submit passes a value that stays the same (Lit sets it only when it
   * changes) and typing is kept.
   */
  textField(o: TextFieldOptions) {
    // One template for both controls (a void `<input>`'s end tag is ignored by the parser).
    const control = o.multiline ? literal`textarea` : literal`input`;
    return staticHtml`<div class="field">
      <label for=${o.id}>${o.label}</label>
      <${control}
        id=${o.id}
        part="input"
        name=${o.name}
        type=${o.multiline ? nothing : (o.type ?? 'text')}
        autocomplete=${o.autocomplete ?? (o.multiline ? nothing : 'off')}
        placeholder=${o.placeholder ?? nothing}
        maxlength=${o.maxlength ?? nothing}
        inputmode=${o.inputmode ?? nothing}
        ?required=${o.required ?? false}
        ?readonly=${o.readonly ?? false}
        .value=${o.value ?? ''}
        aria-invalid=${this.invalid(o.name)}
        aria-describedby=${this.describedBy(o.name, o.hint ? `${o.id}-hint` : '')}
        @input=${(event: InputEvent) => o.onInput?.((event.target as HTMLInputElement).value)}
      ></${control}>
      ${o.hint ? html`<p class="hint" id="${o.id}-hint">${o.hint}</p>` : nothing}
      ${this.message(o.name)}
    </div>`;
  }

  /**
   * Focuses the first invalid field of the form, else `fallback` (a selector within the form);
   * false when nothing was focused.
   */
  async focusFirstInvalid(fallback?: string): Promise<boolean> {
    await this.host.updateComplete;
    const root = this.root();
    let target =
      root?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      (fallback ? root?.querySelector<HTMLElement>(fallback) : null);
    // In a group of radios the checked one takes focus, as the arrow keys would leave it.
    if (target instanceof HTMLInputElement && target.type === 'radio') {
      target = root?.querySelector<HTMLElement>(`input[name="${target.name}"]:checked`) ?? target;
    }
    target?.focus();
    return Boolean(target);
  }

  private root(): ParentNode | null | undefined {
    return this.options.root ? this.options.root() : this.host.renderRoot;
  }

  /** The error keys shown at `field`: itself and its aliases, with their parts for a group. */
  private keysOf(field: string): string[] {
    const names = [field, ...(this.options.aliases?.[field] ?? [])];
    const group = this.options.groups?.includes(field) ?? false;
    return Object.keys(this.errors).filter((key) =>
      names.some((name) => key === name || (group && key.startsWith(`${name}.`))),
    );
  }

  /** A changed value makes its field's error stale: it goes at once, the others stay. */
  private readonly onEdit = (event: Event) => {
    const control = event.composedPath()[0];
    if (!(control instanceof HTMLElement) || !this.hasErrors) return;
    const root = this.root();
    if (root && root !== this.host.renderRoot && !(root as Node).contains(control)) return;
    const field = control.dataset.field ?? (control as HTMLInputElement).name;
    if (!field) return;
    const stale = new Set(this.keysOf(field));
    if (!stale.size) return;
    this.show(Object.fromEntries(Object.entries(this.errors).filter(([key]) => !stale.has(key))));
  };
}

import { html, nothing } from 'lit';

export interface BusyButtonOptions {
  /** The button's `part`; default `button`. */
  part?: string;
  /** Its `data-action`, by which a form finds it (focus after a failure) and tests press it. */
  action?: string;
}

/**
 * A primary button that starts a request: disabled and `aria-busy` while the request is under way,
 * so it cannot be sent twice, with the label saying what is happening ("Saving…"). A function like
 * the pager, so it renders in the form's own shadow root with its styles. `onClick` makes it a
 * plain button (a request outside a form); without it, it submits its form.
 */
export function busyButton(
  label: string,
  busy: boolean,
  { part = 'button', action }: BusyButtonOptions = {},
  onClick?: (event: Event) => void,
) {
  return html`<button
    type=${onClick ? 'button' : 'submit'}
    class="primary"
    part=${part}
    data-action=${action ?? nothing}
    ?disabled=${busy}
    aria-busy=${busy ? 'true' : 'false'}
    @click=${onClick}
  >
    ${label}
  </button>`;
}

/** A form's primary button (`type="submit"`): see `busyButton`. */
export function submitButton(label: string, busy: boolean, options: BusyButtonOptions = {}) {
  return busyButton(label, busy, options);
}

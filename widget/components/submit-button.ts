import { html } from 'lit';

/**
 * A form's primary button: disabled and `aria-busy` while its request is under way, so it cannot
 * be sent twice, with the label saying what is happening ("Saving…"). A function like the pager,
 * so it renders in the form's own shadow root with its styles.
 */
export function submitButton(label: string, busy: boolean, part = 'button') {
  return html`<button
    type="submit"
    class="primary"
    part=${part}
    ?disabled=${busy}
    aria-busy=${busy ? 'true' : 'false'}
  >
    ${label}
  </button>`;
}

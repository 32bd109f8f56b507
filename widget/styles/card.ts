import { css } from 'lit';

/** The bordered box that frames a form or a section: the element with `class="card"`. */
export const card = css`
  .card {
    display: grid;
    gap: calc(var(--_space) * 2);
    padding: calc(var(--_space) * 3);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
`;

/**
 * A full-page view (sign-in and the emailed-link landing views): one card, centred (each view sets
 * its own `max-width`), with an h2 heading, paragraphs, muted hints and a row of `.actions`.
 */
export const viewCard = css`
  ${card}
  :host {
    display: block;
  }
  .card {
    margin: 0 auto;
  }
  h2 {
    margin: 0;
    font-size: 1.5em;
  }
  p {
    margin: 0;
  }
  .hint {
    color: var(--_text-muted);
  }
  .actions {
    display: flex;
    gap: var(--_space);
  }
`;

/** A section of the Account panel (a form, Two-factor authentication, Last logins): a card with an h3. */
export const sectionCard = css`
  ${card}
  :host {
    display: block;
  }
  h3 {
    margin: 0;
    font-size: 1.2em;
  }
`;

/**
 * The fields of a form in an Account panel section: label above the input, the field's error
 * under it, and the alert region that stays in the page while empty.
 */
export const sectionForm = css`
  .field {
    display: grid;
    gap: 4px;
  }
  .field > label {
    color: var(--_text-muted);
    font-size: 0.9em;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.9em;
  }
  .alert:empty {
    display: none;
  }
  /* An empty alert region stays in the page (it must exist before it speaks), taking no room. */
  .alert:not(:has(*)) {
    display: contents;
  }
`;

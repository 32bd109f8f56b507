import { css } from 'lit';

/** Buttons, inputs, focus and screen-reader helpers shared by every part of the widget. */
export const controls = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.5);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
  }
  button.link {
    border: none;
    background: none;
    padding: calc(var(--_space) * 0.5);
    color: var(--_accent);
    text-decoration: underline;
  }
  /* Checkboxes and radios in the theme's accent (their light or dark drawing follows the
     color-scheme the host page passes in: tokens.ts). */
  input:is([type='checkbox'], [type='radio']) {
    accent-color: var(--_accent);
  }
  input,
  select {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface-alt);
    padding: calc(var(--_space) * 0.75) var(--_space);
    min-width: 0;
  }
  .alert {
    color: var(--_danger);
    margin: var(--_space) 0;
  }
  /* A polite status line ("Invitation sent", "Your password was changed"). */
  .notice {
    margin: 0;
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-inline-start: 3px solid var(--_accent);
    background: var(--_surface-alt);
  }
  .notice:empty {
    display: none;
  }
  /* An empty live region stays in the page (it must exist before it speaks) but takes no room. */
  .notice.quiet {
    display: contents;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

/** A box that floats over the widget, `class="popup"` (the multi-select's list, the row menu). */
export const popup = css`
  .popup {
    margin: 0;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.15);
  }
`;

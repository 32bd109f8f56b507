import { css } from 'lit';

/** The rules particular to `<um-create-token-dialog>`, after the shared sheets in its `styles`. */
export const createTokenDialogStyles = css`
  dialog.form {
    width: min(40rem, calc(100vw - 2rem));
  }
  .body {
    display: grid;
    gap: calc(var(--_space) * 2);
    align-content: start;
  }
  .field {
    display: grid;
    gap: 4px;
  }
  .field > label,
  .label {
    font-size: 0.9em;
    color: var(--_text-muted);
  }
  textarea {
    font: inherit;
    color: inherit;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface-alt);
    padding: calc(var(--_space) * 0.75) var(--_space);
    min-height: 4.5rem;
    resize: vertical;
  }
  fieldset {
    margin: 0;
    padding: 0;
    border: none;
    display: grid;
    gap: var(--_space);
    min-width: 0;
  }
  legend {
    padding: 0;
    margin-bottom: var(--_space);
    font-weight: 600;
  }
  .radio {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .role {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: var(--_space);
  }
  .role input {
    margin: 3px 0 0;
  }
  .hint {
    grid-column: 2;
    margin: 0;
    font-size: 0.9em;
    color: var(--_text-muted);
  }
  .date {
    justify-self: start;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.9em;
  }
`;

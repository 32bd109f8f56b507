import { css } from 'lit';

/** The rules particular to `<um-create-token-dialog>`, after the shared sheets in its `styles`. */
export const createTokenDialogStyles = css`
  dialog.form {
    width: min(40rem, calc(100vw - 2rem));
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
  .hint {
    grid-column: 2;
    margin: 0;
    font-size: 0.9em;
    color: var(--_text-muted);
  }
  .date {
    justify-self: start;
  }
`;

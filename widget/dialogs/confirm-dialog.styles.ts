import { css } from 'lit';

/** The rules particular to `<um-confirm-dialog>`, after the shared sheets in its `styles`. */
export const confirmDialogStyles = css`
  dialog {
    width: min(32rem, calc(100vw - 2rem));
  }
  .body p {
    margin: 0;
  }
  button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_accent-text);
  }
`;

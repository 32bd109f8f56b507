import { css } from 'lit';

/** The rules particular to `<um-token-secret-dialog>`, after the shared sheets in its `styles`. */
export const tokenSecretDialogStyles = css`
  dialog {
    width: min(36rem, calc(100vw - 2rem));
  }
  .secret-text p {
    margin: 0 0 var(--_space);
  }
  .secret-row {
    display: flex;
    gap: var(--_space);
  }
  .secret-row input {
    flex: 1;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  }
  .copied {
    color: var(--_text-muted);
    min-height: 1.4em;
    margin: 0;
  }
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  }
  .leave {
    display: grid;
    gap: var(--_space);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-inline-start: 3px solid var(--_danger);
    background: var(--_surface-alt);
  }
  .leave p {
    margin: 0;
    font-weight: 600;
  }
  .leave-actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
`;

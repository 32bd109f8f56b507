import { css } from 'lit';

/**
 * The rules of an account that requires 2FA: the banner and setup view of `<um-two-fa-gate>`,
 * the Account panel's setting and the Users panel's reminder bar (after the shared sheets).
 */
export const twoFaPolicyStyles = css`
  :host {
    display: block;
  }
  p {
    margin: 0;
  }
  .banner,
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
    margin-block-end: calc(var(--_space) * 2);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-inline-start: 3px solid var(--_accent);
    background: var(--_surface-alt);
  }
  .banner p,
  .bar p {
    flex: 1 1 20em;
  }
  .setup {
    display: grid;
    gap: calc(var(--_space) * 2);
    max-width: 40em;
  }
  .setup h2 {
    margin: 0;
    font-size: 1.5em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  .check {
    display: flex;
    align-items: center;
    gap: var(--_space);
  }
  .hint {
    color: var(--_text-muted);
  }
`;

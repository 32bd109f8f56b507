import { css } from 'lit';

/** The rules particular to `<um-sign-in-view>`, after the shared sheets in its `styles`. */
export const signInViewStyles = css`
  .card {
    max-width: 24rem;
  }
  .field,
  label {
    display: grid;
    gap: 4px;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.9em;
  }
  .row {
    display: flex;
    justify-content: space-between;
    flex-wrap: wrap;
    gap: var(--_space);
  }
`;

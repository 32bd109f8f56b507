import { css } from 'lit';

/**
 * The fields of a dialog's form (Invite and Edit user, Create API token, the one-time token): the
 * label above its control, the field's error under it, unframed fieldsets with a bold legend, and
 * the radios of a choice (a role's with its hint beside it).
 */
export const formFields = css`
  .field {
    display: grid;
    gap: 4px;
  }
  .field > label,
  .label {
    font-size: 0.9em;
    color: var(--_text-muted);
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
  .radio input {
    flex-shrink: 0;
  }
  .role {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: var(--_space);
  }
  .role input {
    margin: 3px 0 0;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.9em;
  }
`;

import { css } from 'lit';

/**
 * The form's layout; the dialog that holds `<um-user-form>` adopts these (the form has no shadow
 * root).
 */
export const userFormStyles = css`
  .columns {
    display: grid;
    gap: calc(var(--_space) * 3);
  }
  @media (min-width: 48rem) {
    .columns {
      grid-template-columns: 1fr 1fr;
    }
  }
  .column {
    display: grid;
    gap: calc(var(--_space) * 2);
    align-content: start;
  }
  label.field,
  .field {
    display: grid;
    gap: 4px;
  }
  .field > label,
  .field > span:not(.field-error),
  .label {
    font-size: 0.9em;
    color: var(--_text-muted);
  }
  input[readonly] {
    background: var(--_surface);
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
  .inline-radios {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space) calc(var(--_space) * 2);
  }
  .inline-radios legend {
    font-weight: normal;
    font-size: 0.9em;
    color: var(--_text-muted);
    margin-bottom: 4px;
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
  .role .hint {
    grid-column: 2;
  }
  .hint {
    margin: 0;
    font-size: 0.9em;
    color: var(--_text-muted);
  }
  .accent-hint {
    margin: 0;
    color: var(--_accent);
  }
  .locked {
    margin: 0;
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-inline-start: 3px solid var(--_accent);
    background: var(--_surface-alt);
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.9em;
  }
  .project-rows {
    display: grid;
    gap: var(--_space);
  }
  .project-row,
  .project-head {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr) auto;
    gap: var(--_space);
    align-items: start;
  }
  .project-row .field-error {
    grid-column: 1 / -1;
  }
  .alert:empty {
    display: none;
  }
`;

import { css } from 'lit';

/**
 * The form's layout; the dialog that holds `<um-user-form>` adopts these (the form has no shadow
 * root), after `formFields`.
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
  .field > span:not(.field-error) {
    font-size: 0.9em;
    color: var(--_text-muted);
  }
  input[readonly] {
    background: var(--_surface);
    color: var(--_text-muted);
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

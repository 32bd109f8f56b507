import { css } from 'lit';
import { userFormStyles } from '../components/user-form.styles.ts';
import { controls } from '../styles/controls.ts';
import { dialogStyles } from '../styles/dialog.ts';
import { formFields } from '../styles/form.ts';
import { dataTable } from '../styles/table.ts';

/** "Invite several": a column inside the dialog, the list's table compact enough to edit in. */
const own = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  textarea {
    width: 100%;
    box-sizing: border-box;
    font: inherit;
    resize: vertical;
  }
  .defaults,
  .summary {
    margin: 0;
    color: var(--_text-muted);
  }
  table.bulk th,
  table.bulk td {
    padding: calc(var(--_space) / 2);
    vertical-align: middle;
  }
  table.bulk input,
  table.bulk select {
    width: 100%;
    min-width: 8rem;
    box-sizing: border-box;
  }
  td.status {
    min-width: 10rem;
  }
  td.status.invalid,
  td.status.refused,
  td.status.over_allowance {
    color: var(--_danger);
  }
  td.actions {
    white-space: nowrap;
  }
  .resent {
    margin-inline-start: var(--_space);
    color: var(--_text-muted);
  }
`;

/** The dialog's body and footer, the form's fields (`<um-user-form>` renders in this root), tables. */
export const bulkInviteStyles = [
  controls,
  dialogStyles,
  formFields,
  userFormStyles,
  dataTable,
  own,
];

import { css } from 'lit';

/** The rules particular to `<um-activity-panel>`, after the shared sheets in its `styles`. */
export const activityPanelStyles = css`
  .field > .field-error {
    color: var(--_danger);
  }
  [data-action='export'] {
    align-self: end;
    margin-inline-start: auto;
  }
  h3 {
    margin: 0 0 calc(var(--_space) * 1.5);
    font-size: 1em;
  }
  td time {
    white-space: nowrap;
  }
`;

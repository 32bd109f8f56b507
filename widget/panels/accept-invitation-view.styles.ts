import { css } from 'lit';

/** The rules particular to `<um-accept-invitation-view>`, after the shared sheets in its `styles`. */
export const acceptInvitationViewStyles = css`
  .card {
    max-width: 26rem;
  }
  .field {
    display: grid;
    gap: 4px;
  }
  input[readonly] {
    background: var(--_surface);
    color: var(--_text-muted);
  }
  .hint {
    font-size: 0.9em;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.9em;
  }
  .fields {
    display: grid;
    gap: calc(var(--_space) * 2);
  }
  .alert:empty {
    display: none;
  }
`;

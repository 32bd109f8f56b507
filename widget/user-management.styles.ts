import { css } from 'lit';

/** The rules particular to `<user-management>`, after the shared sheets in its `styles`. */
export const userManagementStyles = css`
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    align-items: center;
    gap: calc(var(--_space) * 2);
    margin-bottom: calc(var(--_space) * 2);
    color: var(--_text-muted);
  }
  .switcher {
    display: flex;
    align-items: center;
    gap: var(--_space);
  }
  .toolbar .alert {
    margin: 0;
  }
  /* A view's first paint, until it can show in its own language (controllers/first-paint.ts). */
  .concealed {
    visibility: hidden;
  }
`;

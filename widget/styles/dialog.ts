import { css } from 'lit';

/** The modal `<dialog>` of the Invite and Edit user forms: header, scrolling body, footer. */
export const dialogStyles = css`
  dialog {
    width: min(60rem, calc(100vw - 2rem));
    max-height: calc(100vh - 2rem);
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    color: var(--_text);
    background: var(--_surface);
    box-shadow: 0 8px 32px rgb(0 0 0 / 0.25);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  form {
    display: flex;
    flex-direction: column;
    max-height: calc(100vh - 2rem);
  }
  header,
  footer {
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
  }
  header {
    border-bottom: 1px solid var(--_border);
  }
  h2 {
    margin: 0;
    font-size: 1.5em;
  }
  .body {
    overflow: auto;
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
  }
  footer {
    display: flex;
    justify-content: flex-end;
    gap: var(--_space);
    border-top: 1px solid var(--_border);
  }
  .loading {
    color: var(--_text-muted);
  }
`;

/** A dialog whose body is a column of fields and paragraphs (Create API token, the one-time token). */
export const dialogColumn = css`
  .body {
    display: grid;
    gap: calc(var(--_space) * 2);
    align-content: start;
  }
`;

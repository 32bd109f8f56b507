import { css } from 'lit';

/** The rules particular to `<um-two-fa-section>`, after the shared sheets in its `styles`. */
export const twoFaSectionStyles = css`
  h3,
  h4 {
    display: flex;
    align-items: center;
    gap: var(--_space);
  }
  h4 {
    margin: 0;
    font-size: 1.05em;
  }
  p {
    margin: 0;
  }
  .badge {
    font-size: 0.75em;
    font-weight: normal;
    padding: 2px var(--_space);
    border-radius: 999px;
    border: 1px solid var(--_border);
    background: var(--_surface-alt);
    color: var(--_text-muted);
  }
  .badge.on {
    border-color: var(--_accent);
    color: var(--_text);
  }
  .hint {
    color: var(--_text-muted);
  }
  ol {
    margin: 0;
    padding-inline-start: 1.4em;
    display: grid;
    gap: calc(var(--_space) * 1.5);
  }
  .qr {
    display: block;
    width: 11rem;
    height: 11rem;
    margin: var(--_space) 0;
  }
  .key {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 1.05em;
    padding: 2px var(--_space);
    background: var(--_surface-alt);
    border-radius: var(--_radius);
    user-select: all;
  }
  form {
    display: grid;
    gap: var(--_space);
  }
  .field {
    max-width: 14rem;
  }
  .field input {
    letter-spacing: 0.2em;
  }
  .codes {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr));
    gap: var(--_space);
  }
  .codes code {
    display: block;
    text-align: center;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  a[part~='button'] {
    display: inline-block;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.5);
    color: inherit;
    text-decoration: none;
  }
`;

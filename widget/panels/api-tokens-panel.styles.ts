import { css } from 'lit';

/** The rules particular to `<um-api-tokens-panel>`, after the shared sheets in its `styles`. */
export const apiTokensPanelStyles = css`
  .intro {
    margin: 0 0 calc(var(--_space) * 2);
    color: var(--_text-muted);
  }
  .intro p {
    margin: 0;
  }
  /* The tooltip of a deleted issuer may stand out of the cell; the name and the email are cut
     short each on its line instead. */
  td.issuer {
    overflow: visible;
    position: relative;
  }
  .issuer-name,
  .issuer-email {
    display: block;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .issuer-email {
    color: var(--_text-muted);
  }
  .deleted-issuer {
    display: inline-block;
    max-width: 100%;
    color: var(--_text-muted);
    border-radius: var(--_radius);
  }
  .deleted-issuer s {
    display: block;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  [role='tooltip'] {
    display: none;
    position: absolute;
    bottom: calc(100% - var(--_space));
    inset-inline-start: var(--_space);
    z-index: 1;
    padding: calc(var(--_space) * 0.5) var(--_space);
    border-radius: var(--_radius);
    background: var(--_text);
    color: var(--_surface);
    white-space: nowrap;
    font-size: 0.9em;
  }
  .deleted-issuer:is(:hover, :focus) + [role='tooltip'],
  [role='tooltip']:hover {
    display: block;
  }
  .deleted-issuer.dismissed + [role='tooltip'] {
    display: none;
  }
  .badge {
    display: inline-block;
    padding: 0 var(--_space);
    border-radius: 999px;
    border: 1px solid var(--_border);
    background: var(--_surface-alt);
  }
  .badge.active {
    border-color: var(--_accent);
  }
  .alert button {
    margin-inline-start: var(--_space);
  }
`;

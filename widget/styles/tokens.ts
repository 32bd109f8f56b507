import { css } from 'lit';

/**
 * The public theming contract. Each documented `--um-*` property is read once, here, into a
 * private `--_*` property on the root's :host; everything inside reads only the private ones
 * (they inherit into the nested shadow roots), so a host can theme the widget but cannot reach
 * into it by accident. Defaults meet WCAG AA contrast on the default surface.
 *
 * `all: initial` comes first: inherited properties of the page (text-align, text-transform,
 * letter-spacing, font-weight, white-space, cursor, …) stop at the host, and the rule
 * then sets what the widget wants. `all` leaves custom properties alone, so the `--um-*` a host
 * sets on an ancestor still inherit into the widget.
 */
export const tokens = css`
  :host {
    all: initial;
    /* except visibility: a host that hides a container with visibility: hidden hides the widget too */
    visibility: inherit;
    /* and color-scheme: on a dark page (color-scheme: dark) the browser draws the widget's radios,
       checkboxes, selects and scroll bars dark too */
    color-scheme: inherit;

    --_accent: var(--um-color-accent, #c2410c);
    --_accent-text: var(--um-color-accent-text, #ffffff);
    --_text: var(--um-color-text, #1f2328);
    --_text-muted: var(--um-color-text-muted, #5c636b);
    --_surface: var(--um-color-surface, #ffffff);
    --_surface-alt: var(--um-color-surface-alt, #f3f4f5);
    --_border: var(--um-color-border, #d9dcdf);
    --_danger: var(--um-color-danger, #b42318);
    --_focus: var(--um-color-focus, var(--_accent));
    --_font: var(--um-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--um-font-size, 14px);
    --_radius: var(--um-radius, 4px);
    --_space: var(--um-space, 8px);

    display: block;
    box-sizing: border-box;
    color: var(--_text);
    background: var(--_surface);
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.4;
  }
  :host([hidden]) {
    display: none;
  }
`;

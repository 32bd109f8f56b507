import { LINK_PARAMS, type LinkKind } from '../shared/links.ts';

/** The token an emailed link of `kind` put in the page's URL, if any. */
export function linkTokenFromUrl(kind: LinkKind): string | undefined {
  return new URLSearchParams(window.location.search).get(LINK_PARAMS[kind]) || undefined;
}

/** Takes a used link's token out of the address bar (and history entry), keeping everything else. */
export function removeLinkTokenFromUrl(kind: LinkKind): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has(LINK_PARAMS[kind])) return;
  url.searchParams.delete(LINK_PARAMS[kind]);
  window.history.replaceState(window.history.state, '', url);
}

/**
 * Register a custom element once. A host page may load the bundle twice (two micro-frontends, a
 * hot reload); a second `customElements.define` would throw and break the host, so it is skipped.
 */
export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}

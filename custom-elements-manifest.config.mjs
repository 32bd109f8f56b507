/**
 * `cem analyze` (npm run build): dist/um/custom-elements.json, read from the JSDoc of the public
 * element and its event classes (docs/decisions/017-manifest-types-and-framework-tests.md).
 */
export default {
  globs: ['widget/user-management.ts', 'widget/events.ts'],
  outdir: 'dist/um',
  litelement: true,
  // The analyzer would otherwise write a `customElements` field into package.json.
  packagejson: false,
  plugins: [
    {
      name: 'drop-unnamed-events',
      // `dispatchEvent(new UmXEvent(…))` gives the analyzer an event without a name (the name is
      // the class's static `type`); the `@event` tags on the class list every event by name.
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (declaration.events) declaration.events = declaration.events.filter((e) => e.name);
          }
        }
      },
    },
  ],
};

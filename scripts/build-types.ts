import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateDtsBundle } from 'dts-bundle-generator';
import ts from 'typescript';

/**
 * Writes dist/um/user-management.d.ts: the types of `<user-management>`, its properties, its event
 * classes and ApiError in one file a host can import, plus the element's entries in
 * `HTMLElementTagNameMap` and `GlobalEventHandlersEventMap`.
 *
 * dts-bundle-generator can inline `declare global` blocks, but only of every file in the program,
 * which would publish the internal elements (and the zod schemas behind their properties). So it
 * bundles the module without them, and the public `declare global` blocks (the first of each
 * source; events.ts keeps its internal events in a second one) are copied from their sources,
 * where they stay written once.
 */
const OUT = 'dist/um/user-management.d.ts';
const GLOBALS_FROM = ['widget/user-management.ts', 'widget/events.ts'];

const [bundle] = generateDtsBundle(
  [{ filePath: 'widget/user-management.ts', output: { noBanner: true } }],
  { preferredConfigPath: 'tsconfig.types.json' },
);

const globals = GLOBALS_FROM.flatMap((file) => {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  return source.statements
    .filter((s) => ts.isModuleDeclaration(s) && (s.flags & ts.NodeFlags.GlobalAugmentation) !== 0)
    .map((s) => s.getText(source))
    .slice(0, 1);
});
if (globals.length !== GLOBALS_FROM.length) {
  throw new Error(`expected one \`declare global\` in each of ${GLOBALS_FROM.join(', ')}`);
}

mkdirSync('dist/um', { recursive: true });
writeFileSync(OUT, `${bundle!.replace(/\nexport \{\};\s*$/, '\n')}\n${globals.join('\n\n')}\n`);

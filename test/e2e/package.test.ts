import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { ENTRY, staticImports } from '../../scripts/size.ts';
import { de } from '../../widget/locales/de.ts';

/**
 * What `npm run build` hands a host besides the script: dist/um/custom-elements.json, read by
 * editors, Storybook and framework wrappers, and dist/um/user-management.d.ts for TypeScript hosts.
 */
const MANIFEST = 'dist/um/custom-elements.json';
const TYPES = resolve('dist/um/user-management.d.ts');

/** Every public event and the fields of its `detail`, as docs/embedding.md lists them. */
const EVENTS: Record<string, { eventClass: string; detail: string[] }> = {
  'um-signed-in': { eventClass: 'UmSignedInEvent', detail: ['clientId', 'userId'] },
  'um-signed-out': { eventClass: 'UmSignedOutEvent', detail: ['reason'] },
  'um-error': { eventClass: 'UmErrorEvent', detail: ['error'] },
  'um-user-invited': { eventClass: 'UmUserInvitedEvent', detail: ['userId', 'email'] },
  'um-users-invited': { eventClass: 'UmUsersInvitedEvent', detail: ['invited'] },
  'um-invitation-accepted': {
    eventClass: 'UmInvitationAcceptedEvent',
    detail: ['email', 'clientId'],
  },
  'um-user-updated': { eventClass: 'UmUserUpdatedEvent', detail: ['userId', 'lang'] },
  'um-account-switched': { eventClass: 'UmAccountSwitchedEvent', detail: ['clientId'] },
  'um-token-created': { eventClass: 'UmTokenCreatedEvent', detail: ['tokenId'] },
  'um-user-deleted': { eventClass: 'UmUserDeletedEvent', detail: ['userId'] },
};

interface Named {
  name: string;
  description?: string;
  type?: { text: string };
}
interface ElementDeclaration {
  tagName?: string;
  customElement?: boolean;
  attributes?: (Named & { fieldName?: string })[];
  members?: (Named & { kind: string; privacy?: string; attribute?: string })[];
  events?: Named[];
  cssParts?: Named[];
  cssProperties?: (Named & { default?: string })[];
}

function element(): ElementDeclaration {
  assert.ok(existsSync(MANIFEST), 'run `npm run build` first (npm test does)');
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as {
    modules: { declarations?: ElementDeclaration[] }[];
  };
  const found = manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .filter((declaration) => declaration.customElement);
  assert.equal(found.length, 1, 'one public element: the internal ones are not a host’s API');
  return found[0];
}

describe('the custom elements manifest', () => {
  it('names the tag, its attributes and its properties', () => {
    const el = element();
    assert.equal(el.tagName, 'user-management');
    assert.deepEqual(
      el.attributes!.map((a) => [a.name, a.fieldName]),
      [
        ['api', 'api'],
        ['panel', 'panel'],
        ['lang', 'lang'],
        ['invitation-token', 'invitationToken'],
      ],
    );
    const publicFields = el
      .members!.filter((m) => m.kind === 'field' && !m.privacy)
      .map((m) => m.name);
    assert.deepEqual(publicFields, ['api', 'panel', 'lang', 'token', 'invitationToken']);
    const token = el.members!.find((m) => m.name === 'token')!;
    assert.equal(token.attribute, undefined, '`token` is a property only: no JWT in the DOM');
    assert.match(token.description ?? '', /access JWT/);
    for (const attribute of el.attributes!) assert.ok(attribute.description, attribute.name);
  });

  it('lists every event the element fires, with its class and its detail', () => {
    const events = element().events!;
    // The events.ts classes are the truth: an event added there without an `@event` tag fails here.
    // Internal ones (their comment starts with "Internal:") are the widget's own business.
    const classes = [
      ...readFileSync('widget/events.ts', 'utf8').matchAll(
        /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\nexport class \w+ extends Um(?:Internal)?Event<[^\n]*\n {2}static override readonly type = '([\w-]+)'/g,
      ),
    ];
    const internal = ([, comment]: RegExpMatchArray) => /^\s*\*?\s*Internal:/.test(comment);
    assert.ok(classes.some(internal), 'the internal events were read too');
    const declared = classes.filter((match) => !internal(match)).map((match) => match[2]);
    assert.deepEqual(events.map((e) => e.name).sort(), declared.sort());
    assert.deepEqual(events.map((e) => e.name).sort(), Object.keys(EVENTS).sort());
    for (const event of events) {
      const expected = EVENTS[event.name];
      assert.equal(event.type?.text, expected.eventClass, event.name);
      for (const field of expected.detail) {
        assert.match(event.description ?? '', new RegExp(`\\b${field}\\b`), `${event.name}.detail`);
      }
    }
  });

  it('documents the CSS parts and custom properties hosts may style', () => {
    const el = element();
    const parts = el.cssParts!.map((p) => p.name);
    for (const part of ['toolbar', 'sign-in-form', 'panel', 'table', 'row', 'dialog', 'button']) {
      assert.ok(parts.includes(part), part);
    }
    assert.ok(parts.length >= 40, `${parts.length} parts`);
    const properties = el.cssProperties!;
    assert.ok(properties.length >= 13, `${properties.length} custom properties`);
    for (const property of properties) {
      assert.match(property.name, /^--um-/);
      assert.ok(property.default, `${property.name} has its default`);
    }
    assert.ok(properties.some((p) => p.name === '--um-color-accent' && p.default === '#c2410c'));
  });
});

describe('the type declarations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'um-types-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Type-checks `source` as a host's file, with the declarations in its program; tsc's output. */
  const typeCheck = (source: string) => {
    assert.ok(existsSync(TYPES), 'run `npm run build` first (npm test does)');
    writeFileSync(join(dir, 'host.ts'), source);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2022', 'DOM'],
          types: [],
          noEmit: true,
          // Check the declarations themselves too, not only their use.
          skipLibCheck: false,
          // The declarations import Lit's types: a host has `lit` installed (docs/embedding.md).
          paths: { '*': [resolve('node_modules/*')] },
        },
        files: ['host.ts', TYPES],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [resolve('node_modules/typescript/bin/tsc'), '-p', dir],
      {
        encoding: 'utf8',
      },
    );
    return { ok: tsc.status === 0, output: tsc.stdout + tsc.stderr };
  };

  it('types the tag, its properties and its events for a host', () => {
    const { ok, output } = typeCheck(`
      import { UmErrorEvent, type PanelName, type UserManagement } from ${JSON.stringify(TYPES.replace(/\.d\.ts$/, '.js'))};
      const widget: UserManagement = document.querySelector('user-management')!;
      widget.token = 'x';
      const panel: PanelName = 'api-tokens';
      widget.panel = panel;
      widget.addEventListener('um-user-invited', (e) => e.detail.email.toLowerCase());
      document.addEventListener('um-signed-out', (e) => e.detail.reason === 'expired');
      widget.addEventListener('um-error', (e: UmErrorEvent) => e.detail.error.status === 401 && e.preventDefault());
      const created: number = document.createElement('user-management').panel.length;
      void created;
    `);
    assert.ok(ok, output);
  });

  it('refuses what the element does not have', () => {
    const { ok, output } = typeCheck(`
      const widget = document.querySelector('user-management')!;
      widget.token = 42;
      widget.panel = 'settings';
      widget.addEventListener('um-user-invited', (e) => e.detail.emial);
    `);
    assert.equal(ok, false);
    assert.match(output, /'number' is not assignable to type 'string'/);
    assert.match(output, /"settings"' is not assignable to type 'PanelName'/);
    assert.match(output, /Property 'emial' does not exist/);
  });
});

describe('the built widget', () => {
  const dir = resolve('dist/um');
  const builtFiles = () => {
    const files = readdirSync(dir).filter((name) => name.endsWith('.js'));
    // The entry, the core, the lazy chunks and the dictionaries: a list this short means no build.
    assert.ok(
      files.length > 10,
      `run \`npm run build\` first (npm test does): ${files.join(', ')}`,
    );
    return files;
  };

  it('bundles no zod in any of its files (decision 024: shared/form-checks.ts instead)', () => {
    // Every zod schema keeps its internals under `_zod`, and its classes' names (`$ZodType`,
    // `ZodMiniObject`) survive minification.
    const withZod = builtFiles().filter((name) =>
      /_zod\b|\$Zod|ZodMini/.test(readFileSync(join(dir, name), 'utf8')),
    );
    assert.deepEqual(withZod, [], 'a widget module imports a shared module that builds a schema');
  });

  it('has in each file the English texts it shows, and in the first paint no others', () => {
    const code = new Map(builtFiles().map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    // Every key: the German dictionary has them all, whichever English file holds each.
    const keys = Object.keys(de);
    const isKey = (text: string) => Object.hasOwn(de, text);
    // A dictionary's entry, `"users.heading":`…; what is left, a quoted key or the start of one
    // (`` `role.${id}` ``), is a text the code shows.
    const definition = /"([\w.]+)":/g;
    const defines = (name: string) =>
      [...code.get(name)!.matchAll(definition)].map((m) => m[1]!).filter(isKey);
    const shows = (name: string) => {
      const rest = code.get(name)!.replace(definition, '');
      const whole = [...rest.matchAll(/[`'"]([a-zA-Z]\w*(?:\.\w+)+)[`'"]/g)].map((m) => m[1]!);
      const starts = [...rest.matchAll(/`([a-zA-Z]\w*(?:\.\w+)*\.)\$\{/g)].map((m) => m[1]!);
      return [
        ...whole.filter(isKey),
        ...keys.filter((key) => starts.some((start) => key.startsWith(start))),
      ];
    };
    /** The file and what it imports statically: what is there when its code runs. */
    const closure = (name: string, seen = new Set<string>()) => {
      if (seen.has(name)) return seen;
      seen.add(name);
      for (const specifier of staticImports(code.get(name)!)) {
        closure(posix.normalize(specifier), seen);
      }
      return seen;
    };

    for (const name of code.keys()) {
      if (/^locale-/.test(name)) continue;
      const available = new Set([...closure(name)].flatMap(defines));
      const missing = shows(name).filter((key) => !available.has(key));
      assert.deepEqual(
        missing,
        [],
        `${name} shows texts it does not import (widget/locales/en.ts)`,
      );
    }
    const firstPaint = [...closure(ENTRY)];
    const shown = new Set(firstPaint.flatMap(shows));
    const unused = firstPaint.flatMap(defines).filter((key) => !shown.has(key));
    assert.deepEqual(unused, [], 'texts the first paint never shows: move them to en.ts');
  });
});

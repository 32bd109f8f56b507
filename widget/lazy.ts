import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

/**
 * The elements the widget loads on first use, one line each (docs/adding-a-panel.md). What the
 * Users panel needs for its first paint is bundled into the core; each module below becomes a
 * chunk of its own beside it (dist/um/), fetched relative to the widget's own URL, so it loads
 * from the BFF's origin under a host's `script-src` too (decision 024). Parts used together share
 * one module, so one chunk, which compresses better (users-dialogs.ts, api-tokens.ts: decision
 * 031).
 *
 * A tag may be rendered before its module has loaded: it is an unknown element until then, and
 * upgrades in place when it arrives (Lit keeps the properties set on it meanwhile).
 */
const modules = {
  'um-account-panel': () => import('./panels/account-panel.ts'),
  'um-api-tokens-panel': () => import('./panels/api-tokens.ts'),
  'um-activity-panel': () => import('./panels/activity-panel.ts'),
  'um-two-fa-section': () => import('./panels/two-fa-section.ts'),
  'um-sign-in-view': () => import('./panels/sign-in-view.ts'),
  'um-accept-invitation-view': () => import('./panels/accept-invitation-view.ts'),
  'um-confirm-email-view': () => import('./panels/confirm-email-view.ts'),
  'um-disable-2fa-view': () => import('./panels/disable-2fa-view.ts'),
  'um-invite-user-dialog': () => import('./dialogs/users-dialogs.ts'),
  'um-edit-user-dialog': () => import('./dialogs/users-dialogs.ts'),
  'um-user-logins-dialog': () => import('./dialogs/users-dialogs.ts'),
  'um-confirm-dialog': () => import('./dialogs/confirm-dialog.ts'),
  'um-create-token-dialog': () => import('./panels/api-tokens.ts'),
  'um-two-fa-reminder': () => import('./panels/two-fa-reminder.ts'),
} satisfies Record<string, () => Promise<unknown>>;

export type LazyTag = keyof typeof modules;

const loading = new Map<LazyTag, Promise<void>>();

/**
 * Loads the module of `tag` (once) and resolves when the element is defined. A failed load (the
 * network) is forgotten, so the next use tries again.
 */
export function load(tag: LazyTag): Promise<void> {
  let done = loading.get(tag);
  if (!done) {
    done = modules[tag]().then(
      () => customElements.whenDefined(tag).then(() => undefined),
      (error: unknown) => {
        loading.delete(tag);
        throw error;
      },
    );
    loading.set(tag, done);
  }
  return done;
}

/** Loads every module of the list (the widget tests do, before their first fixture). */
export function loadAll(): Promise<void[]> {
  return Promise.all(Object.keys(modules).map((tag) => load(tag as LazyTag)));
}

/**
 * The element `tag` in `root`, once its module has loaded and it has rendered: what a panel
 * calls before it opens one of its dialogs (`(await loaded(this.renderRoot, 'um-x-dialog'))?.show()`).
 */
export async function loaded<K extends LazyTag>(
  root: ParentNode,
  tag: K,
): Promise<HTMLElementTagNameMap[K] | null> {
  await load(tag);
  const element = root.querySelector(tag);
  await element?.updateComplete;
  return element;
}

class LoadOnFirstUse extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('loadOnFirstUse() goes on an element');
  }

  render() {
    return noChange;
  }

  override update(part: ElementPart) {
    const tag = part.element.localName as LazyTag;
    if (!(tag in modules)) throw new Error(`<${tag}> is not in widget/lazy.ts`);
    // An unhandled rejection reports a failed load; the element stays empty until the next use.
    void load(tag);
    return noChange;
  }
}

/**
 * On an element of a template, loads its module when it is first rendered:
 * `` html`<um-account-panel ${loadOnFirstUse()}></um-account-panel>` ``.
 */
export const loadOnFirstUse = directive(LoadOnFirstUse);

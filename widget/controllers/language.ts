import { ContextProvider } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { langContext } from '../context.ts';
import { DEFAULT_LANG, hasDictionary, loadLanguage } from '../locales/index.ts';

type Host = ReactiveControllerHost & HTMLElement;

/** Where the tab keeps the language shown last (`sessionStorage`, as the session). */
const LAST_SHOWN = 'um-lang';

/** `sessionStorage` can be unavailable (privacy modes, sandboxed frames): then nothing is kept. */
function lastShown(): string | null {
  try {
    return sessionStorage.getItem(LAST_SHOWN);
  } catch {
    return null;
  }
}

function keepShown(lang: string) {
  try {
    sessionStorage.setItem(LAST_SHOWN, lang);
  } catch {
    // see lastShown
  }
}

/**
 * The language `<user-management>` shows and hands down (`langContext`): the one `wanted()`
 * names, once its dictionary is loaded (English until then, or if it cannot be loaded). Only the
 * newest choice counts: a slow dictionary never overrides a language chosen after it was asked.
 */
export class LanguageController implements ReactiveController {
  /** The language shown now. */
  shown = DEFAULT_LANG;
  /** The language last asked of `loadLanguage`. */
  private requested = '';
  /** The language whose dictionary could not be loaded when last asked. */
  private failed = '';
  private readonly provider: ContextProvider<typeof langContext>;

  constructor(
    private readonly host: Host,
    private readonly wanted: () => string,
  ) {
    host.addController(this);
    this.provider = new ContextProvider(host, { context: langContext, initialValue: this.shown });
    // A reload with a stored session most likely shows the language shown last: its dictionary
    // is asked for now, beside the account's `me`, not only once `me` has named it.
    void loadLanguage(lastShown());
  }

  /**
   * Whether the wanted language shows, or English because its dictionary could not be loaded:
   * nothing is about to change (`<user-management>` shows a view's first paint only then).
   */
  get settled(): boolean {
    return this.shown === this.requested || this.failed === this.requested;
  }

  /** Before each render, so the elements it creates speak the language at once. */
  hostUpdate(): void {
    this.follow(this.wanted());
    if (this.shown !== this.provider.value) keepShown(this.shown);
    this.provider.setValue(this.shown);
  }

  private follow(wanted: string) {
    if (wanted === this.requested) return;
    this.requested = wanted;
    if (hasDictionary(wanted)) {
      this.shown = wanted;
      return;
    }
    void loadLanguage(wanted).then(async (shown) => {
      if (this.requested !== wanted) return;
      this.shown = shown;
      this.failed = shown === wanted ? '' : wanted;
      this.host.requestUpdate();
      if (shown === wanted) return;
      // It could not be loaded: a later update asks again. Not the one just requested, else each
      // failure would ask at once for the next, hundreds of times a second.
      await this.host.updateComplete;
      if (this.requested === wanted) this.requested = '';
    });
  }
}

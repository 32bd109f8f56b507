import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiError } from '../api/client.ts';
import { langContext } from '../context.ts';
import { errorText, fieldErrorText } from '../locales/errors.ts';
import { DEFAULT_LANG, resolveLang, t, type MessageKey, type Params } from '../locales/index.ts';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * The one way an element speaks (as Shoelace's `LocalizeController`): it follows the language
 * `<user-management>` provides, marks its host with it (`lang`, for screen readers and for the
 * dates), and re-renders the host when it changes. An element alone (in a test) speaks its own
 * `lang` attribute, else English.
 */
export class LocalizeController implements ReactiveController {
  private provided: string | undefined;

  /**
   * `source`: for the element that decides the language itself (`<user-management>`, which
   * provides it and leaves its own `lang` attribute to the host page).
   */
  constructor(
    private readonly host: Host,
    private readonly source?: () => string,
  ) {
    host.addController(this);
    if (source) return;
    new ContextConsumer(host, {
      context: langContext,
      subscribe: true,
      callback: (lang) => {
        this.provided = lang;
        host.requestUpdate();
      },
    });
  }

  hostUpdate(): void {
    if (this.provided && this.host.lang !== this.provided) this.host.lang = this.provided;
  }

  /** The language shown now. */
  get lang(): string {
    return this.source?.() ?? this.provided ?? resolveLang(this.host.lang || DEFAULT_LANG);
  }

  /** `t('users.showing', { from: 1, to: 10, count: 31 })` in the host's language. */
  t(key: MessageKey, params?: Params): string {
    return t(key, params, this.lang);
  }

  /** The text of a failed request; `lead` replaces the code's own text where the view knows better. */
  error(error: ApiError, lead?: string): string {
    return errorText(error, this.lang, lead);
  }

  /** The text of one field message of the BFF or of a shared schema. */
  fieldError(message: string): string {
    return fieldErrorText(message, this.lang);
  }

  /** A date in the host's language; an unparsable value is shown as it came. */
  date(iso: string, options: Intl.DateTimeFormatOptions): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    try {
      return new Intl.DateTimeFormat(this.lang, options).format(date);
    } catch {
      return new Intl.DateTimeFormat(DEFAULT_LANG, options).format(date);
    }
  }
}

import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';

/** No view has been shown yet. */
const NONE = Symbol('none');

/**
 * Keeps the first paint of a view of `<user-management>` invisible until it is ready: the view is
 * rendered at once (its data loads meanwhile) but hidden (`visibility: hidden`, `aria-busy`)
 * until it can show in its own language, so no one sees English texts about to be replaced.
 * A view is what the host names it (a session: a new sign-in or account switch starts a new one);
 * once shown, it is never hidden again, since that would blink and lose the user's focus (a later
 * change of language shows the old one until the new dictionary arrives).
 */
export class FirstPaintController implements ReactiveController {
  /** The view shown last; any other waits until it is ready. */
  private shownView: unknown = NONE;
  private visible = false;
  private waiting: (() => void)[] = [];

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** `content`, of `view`, in a wrapper that hides it on its first paint until `ready`. */
  render(view: unknown, ready: boolean, content: unknown) {
    if (view !== this.shownView && ready) this.shownView = view;
    this.visible = view === this.shownView;
    return html`<div
      class=${this.visible ? 'view' : 'view concealed'}
      aria-busy=${this.visible ? nothing : 'true'}
    >
      ${content}
    </div>`;
  }

  hostUpdated(): void {
    if (this.visible) for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** Resolves once what the host renders is visible: before moving focus into it. */
  async whenVisible(): Promise<void> {
    await this.host.updateComplete;
    if (!this.visible) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}

import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode };

/**
 * The modal `<dialog>` of an element (Confirm, the one-time token): shown once the element has
 * rendered, with focus on a given control; once it has closed, `onClosed` runs, then focus goes
 * back to the element that opened it (unless `onClosed` showed it again). A close event that
 * arrives after the dialog was shown again (the event is queued) is passed over.
 */
export class ModalController implements ReactiveController {
  private opener: HTMLElement | undefined;
  private watched: HTMLDialogElement | null = null;

  constructor(
    private readonly host: Host,
    private readonly onClosed: () => void,
    private readonly selector = 'dialog',
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const dialog = this.dialog;
    if (dialog === this.watched) return;
    this.watched?.removeEventListener('close', this.onClose);
    dialog?.addEventListener('close', this.onClose);
    this.watched = dialog;
  }

  private get dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector<HTMLDialogElement>(this.selector);
  }

  /** Whether the dialog is showing. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  /**
   * Shows the rendered dialog (it stays open if it was) and focuses `focus` in it; the host awaits
   * its render first. Synchronous, so the host's next statement runs before any click is handled.
   */
  show(opener: HTMLElement | undefined, focus: string): void {
    this.opener = opener;
    const dialog = this.dialog;
    if (dialog && !dialog.open) dialog.showModal();
    this.host.renderRoot.querySelector<HTMLElement>(focus)?.focus();
  }

  private readonly onClose = () => {
    if (this.open) return;
    this.onClosed();
    if (!this.open) this.opener?.focus();
  };
}

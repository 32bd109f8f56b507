import { html, nothing, svg } from 'lit';
import type { LocalizeController } from '../controllers/localize.ts';

/**
 * The two steps of `<um-two-fa-section>` that show something to keep (PRODUCT.md "Account
 * panel"): the setup (QR code and key, with Copy) and the backup codes (Copy, Download, Done).
 * Templates and pure helpers only: the section holds the state, the requests and the focus.
 */

/** A QR code drawn as one SVG path: `size` modules a side, quiet zone included. */
export interface Qr {
  size: number;
  path: string;
}

/** What the section shows besides its heading. */
export type Step =
  | { kind: 'idle' }
  /** `qr`: drawn once when the secret arrives, not on every render (each keystroke renders). */
  | { kind: 'setup'; secret: string; qr: Qr }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'regenerate' }
  | { kind: 'disable' };

/** What a Copy button copies. */
export type CopyTarget = 'key' | 'codes';

/** "Copied" (or the copy failure) next to the Copy button that was pressed. */
export type CopyStatus = { target: CopyTarget; text: string } | undefined;

/** The base32 key in groups of four, the way authenticator apps show and accept it. */
export function groupKey(secret: string): string {
  return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/** The selector of what a Copy button copies, selected for the user when the clipboard refuses. */
export function copySource(target: CopyTarget): string {
  return target === 'key' ? '#two-fa-key' : '[part="backup-codes"]';
}

/**
 * Puts `text` on the clipboard; when the browser refuses, selects `node` so the user can copy it
 * by hand. Whether the clipboard took it.
 */
export async function copyOrSelect(text: string, node: Element | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const selection = node?.ownerDocument.getSelection();
    if (node && selection) selection.selectAllChildren(node);
    return false;
  }
}

/** What both steps' templates take from the section. */
interface StepView {
  localize: LocalizeController;
  copyStatus: CopyStatus;
  copy: (target: CopyTarget, text: string) => void;
}

function copyStatusOf(view: StepView, target: CopyTarget) {
  const status = view.copyStatus?.target === target ? view.copyStatus.text : '';
  return html`<span class="hint" role="status">${status}</span>`;
}

/** Setup: the QR code, the key to type in with Copy, then the code and password fields. */
export function setupStep(
  view: StepView & {
    secret: string;
    qr: Qr;
    onSubmit: (event: SubmitEvent) => void;
    /** The code and password fields. */
    fields: unknown;
    /** Activate and Cancel. */
    actions: unknown;
  },
) {
  const { localize, secret, qr } = view;
  return html`<form novalidate data-form="enable" @submit=${view.onSubmit}>
    <h4 id="two-fa-step-heading" tabindex="-1">${localize.t('twoFa.enable')}</h4>
    <ol>
      <li>${localize.t('twoFa.step.app')}</li>
      <li>
        ${localize.t('twoFa.step.scan')}
        <svg
          class="qr"
          part="two-fa-qr"
          role="img"
          aria-label=${localize.t('twoFa.qrLabel')}
          viewBox="0 0 ${qr.size} ${qr.size}"
          shape-rendering="crispEdges"
        >
          ${svg`<rect width=${qr.size} height=${qr.size} fill="#fff"></rect>
              <path d=${qr.path} fill="#000"></path>`}
        </svg>
        <p class="hint" id="two-fa-key-intro">${localize.t('twoFa.keyIntro')}</p>
        <div class="key">
          <code part="two-fa-key" id="two-fa-key" data-key=${secret}>${groupKey(secret)}</code>
          <button
            type="button"
            part="button"
            data-action="copy-key"
            @click=${() => view.copy('key', secret)}
          >
            ${localize.t('twoFa.copyKey')}
          </button>
          ${copyStatusOf(view, 'key')}
        </div>
      </li>
      <li>${localize.t('twoFa.step.code')} ${view.fields}</li>
    </ol>
    <div class="actions">${view.actions}</div>
  </form>`;
}

/** The backup codes, shown once: Copy, Download (a .txt file at `downloadUrl`) and Done. */
export function codesStep(
  view: StepView & { codes: string[]; downloadUrl: string | undefined; onDone: () => void },
) {
  const { localize, codes } = view;
  return html`<div data-form="codes">
    <h4 id="two-fa-step-heading" tabindex="-1">${localize.t('twoFa.codes.heading')}</h4>
    <p class="hint">${localize.t('twoFa.codes.intro')}</p>
    <ul class="codes" part="backup-codes" aria-label=${localize.t('twoFa.codes.list')}>
      ${codes.map((code) => html`<li><code>${code}</code></li>`)}
    </ul>
    <div class="actions">
      <button
        type="button"
        part="button"
        data-action="copy-codes"
        @click=${() => view.copy('codes', codes.join('\n'))}
      >
        ${localize.t('twoFa.codes.copy')}
      </button>
      <a
        part="button"
        data-action="download-codes"
        href=${view.downloadUrl ?? nothing}
        download=${localize.t('twoFa.codes.fileName')}
        >${localize.t('twoFa.codes.download')}</a
      >
      <button type="button" class="primary" part="button" data-action="done" @click=${view.onDone}>
        ${localize.t('twoFa.codes.done')}
      </button>
      ${copyStatusOf(view, 'codes')}
    </div>
  </div>`;
}

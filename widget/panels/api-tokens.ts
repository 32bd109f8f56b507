/**
 * The API tokens panel and its Create token dialog, loaded together on first use
 * (widget/lazy.ts): only the panel opens the dialog, and one chunk compresses better than two
 * (decision 031).
 */
import './api-tokens-panel.ts';
import '../dialogs/create-token-dialog.ts';

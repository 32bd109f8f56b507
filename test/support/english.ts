import { enCore } from '../../widget/locales/en-core.ts';
import { en } from '../../widget/locales/en.ts';

/**
 * Every English text of the widget, for tests that compare what it shows. The widget has them in
 * two parts (widget/locales/index.ts): the core's, and the rest that comes with the first part
 * loaded on first use.
 */
export const english = { ...enCore, ...en };

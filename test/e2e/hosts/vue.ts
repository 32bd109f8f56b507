import { createApp, ref } from 'vue';
import type { PanelName } from '../../../widget/user-management.ts';

/**
 * A Vue 3 host, its template as a single-file component would have it (docs/embedding.md):
 * `isCustomElement` keeps Vue from resolving the tag as a component, `:token.prop` sets the
 * property, `@um-…` listens to the widget's events.
 */
const app = createApp({
  setup() {
    const panel = ref<PanelName>('users');
    const log = ref<string[]>([]);
    // The portal's own sign-in put the access token here (the test does, as the host's IdP would).
    const token = sessionStorage.getItem('host-token') ?? undefined;
    return { panel, log, token, panels: ['users', 'account', 'api-tokens'] };
  },
  template: `
    <nav aria-label="Portal">
      <button v-for="name in panels" :key="name" :aria-pressed="panel === name" @click="panel = name">
        {{ name }}
      </button>
    </nav>
    <user-management
      api="/"
      lang="en"
      :panel.prop="panel"
      :token.prop="token"
      @um-account-switched="log.push('switched to ' + $event.detail.clientId)"
      @um-user-invited="log.push('invited ' + $event.detail.email)"
      @um-error="log.push('error ' + $event.detail.error.status)"
    ></user-management>
    <ul aria-label="Events"><li v-for="(line, index) in log" :key="index">{{ line }}</li></ul>
  `,
});
app.config.compilerOptions.isCustomElement = (tag) => tag === 'user-management';
app.mount('#app');

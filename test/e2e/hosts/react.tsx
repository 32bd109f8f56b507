import { StrictMode, useState, type DetailedHTMLProps, type HTMLAttributes } from 'react';
import { createRoot } from 'react-dom/client';
import type {
  PanelName,
  UmAccountSwitchedEvent,
  UmErrorEvent,
  UmUserInvitedEvent,
  UserManagement,
} from '../../../widget/user-management.ts';

// What a React 19 host declares once (docs/embedding.md): the tag, its properties and the events
// it listens to with React 19's `on<event-name>` props on custom elements.
declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'user-management': DetailedHTMLProps<HTMLAttributes<UserManagement>, UserManagement> & {
        api?: string;
        panel?: PanelName;
        token?: string;
        'onum-user-invited'?: (event: UmUserInvitedEvent) => void;
        'onum-account-switched'?: (event: UmAccountSwitchedEvent) => void;
        'onum-error'?: (event: UmErrorEvent) => void;
      };
    }
  }
}

/** The portal's own sign-in put the access token here (the test does, as the host's IdP would). */
const token = sessionStorage.getItem('host-token') ?? undefined;
const PANELS: PanelName[] = ['users', 'account', 'api-tokens'];

function Portal() {
  const [panel, setPanel] = useState<PanelName>('users');
  const [log, setLog] = useState<string[]>([]);
  const note = (line: string) => setLog((lines) => [...lines, line]);
  return (
    <>
      <nav aria-label="Portal">
        {PANELS.map((name) => (
          <button key={name} aria-pressed={panel === name} onClick={() => setPanel(name)}>
            {name}
          </button>
        ))}
      </nav>
      {/* React 19 sets `token` and `panel` as properties: the element is defined before render. */}
      <user-management
        api="/"
        panel={panel}
        token={token}
        onum-user-invited={(event) => note(`invited ${event.detail.email}`)}
        onum-account-switched={(event) => note(`switched to ${event.detail.clientId}`)}
        onum-error={(event) => note(`error ${event.detail.error.status}`)}
      />
      <ul aria-label="Events">
        {log.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
    </>
  );
}

// Before React's first render, so that React sees the element's properties (else it would set
// `token` as an attribute, which the widget ignores).
await customElements.whenDefined('user-management');
createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <Portal />
  </StrictMode>,
);

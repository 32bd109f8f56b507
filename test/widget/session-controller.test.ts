/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { TokenPair } from '../../shared/auth.ts';
import { ApiClient } from '../../widget/api/client.ts';
import { SessionController, type SignOutReason } from '../../widget/api/session-controller.ts';
import { FakeBff, fakeJwt, type SentRequest } from './fake-bff.ts';

/** The least a host of the controller does: hand it `api` and `token`, and note sign-outs. */
class SessionHost extends LitElement {
  @property() api = '';
  @property({ attribute: false }) token: string | undefined;
  readonly signedOut: SignOutReason[] = [];
  updates = 0;
  readonly session = new SessionController(this, (reason) => this.signedOut.push(reason));

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('token')) this.session.connect(this.api, this.token);
  }

  protected override updated(): void {
    this.updates++;
  }
}
customElements.define('session-host', SessionHost);

const pair = (sid: string, n: number, clientId = 1): TokenPair => ({
  access: fakeJwt({ sid, client_id: clientId, n }),
  refresh: `refresh-${sid}-${n}`,
});

const stored = (api: string) => JSON.parse(sessionStorage.getItem(`um-session:${api}`) ?? 'null');

const mount = (api: string) => fixture<SessionHost>(html`<session-host api=${api}></session-host>`);

const refused = { status: 401, json: { code: 'not_authenticated', message: 'Expired.' } };

/**
 * A BFF that knows one session whose access token `first` has expired: a refresh token is single
 * use, and `clients/me` answers only the access token of the latest renewal.
 */
function renewingBff(first: TokenPair) {
  let current = first;
  let liveAccess: string | undefined;
  return new FakeBff((request: SentRequest) => {
    if (request.path.endsWith('/iam/auth/jwt/refresh')) {
      if ((request.body as { refresh: string }).refresh !== current.refresh) return refused;
      current = pair('s1', Number(current.refresh.split('-').at(-1)) + 1);
      liveAccess = current.access;
      return { status: 200, json: current };
    }
    if (request.path.endsWith('/iam/clients/me')) {
      return request.access === liveAccess ? { status: 200, json: { id: 1 } } : refused;
    }
    return { status: 204 };
  });
}

describe('SessionController', () => {
  let bff: FakeBff | undefined;

  beforeEach(() => sessionStorage.clear());
  afterEach(() => {
    bff?.restore();
    bff = undefined;
    sessionStorage.clear();
  });

  it('keeps a signed-in session under its api, where a widget of another api does not see it', async () => {
    const one = await mount('/one');
    const two = await mount('/two');
    const session = pair('s1', 1);

    one.session.signIn(session);

    expect(one.session.client).to.be.instanceOf(ApiClient);
    expect(stored('/one')).to.deep.equal(session);
    expect(stored('/two')).to.equal(null);
    expect(two.session.client).to.equal(undefined);
    // A reload (a new widget with the same api, trailing slash or not) is still signed in.
    expect((await mount('/one/')).session.client).to.be.instanceOf(ApiClient);
  });

  it('adopts the session another widget of the page renewed instead of spending a spent refresh token', async () => {
    const first = pair('s1', 1);
    sessionStorage.setItem('um-session:/one', JSON.stringify(first));
    bff = renewingBff(first);
    const a = await mount('/one');
    const b = await mount('/one');

    await a.session.client!.me(); // renews once: 401, refresh, retry
    await b.session.client!.me(); // finds the renewed session stored: 401, retry

    const refreshes = bff.requests.filter((r) => r.path.endsWith('/refresh'));
    expect(refreshes).to.have.length(1);
    const renewed = stored('/one');
    expect(renewed).to.deep.equal(pair('s1', 2));
    expect(bff.requests.at(-1)!.access).to.equal(renewed.access);
    expect(b.signedOut).to.deep.equal([]);
  });

  it('ends the session as expired when the BFF refuses to renew it', async () => {
    bff = new FakeBff(() => refused);
    const el = await mount('/one');
    el.session.signIn(pair('s1', 1));

    await el.session.client!.me().catch(() => undefined);

    expect(el.session.client).to.equal(undefined);
    expect(el.signedOut).to.deep.equal(['expired']);
    expect(stored('/one')).to.equal(null);
  });

  it("signing out forgets the stored session only when it is the widget's own", async () => {
    bff = new FakeBff(() => ({ status: 204 }));
    const a = await mount('/one');
    const b = await mount('/one');
    a.session.signIn(pair('s1', 1));
    b.session.signIn(pair('s2', 1)); // someone else signed in since, in another widget

    a.session.signOut();

    expect(a.session.client).to.equal(undefined);
    expect(a.signedOut).to.deep.equal(['user']);
    expect(stored('/one')).to.deep.equal(pair('s2', 1));
    const logout = bff.requests.find((r) => r.path === '/one/iam/auth/jwt/logout');
    expect(logout?.body).to.deep.equal({ refresh: pair('s1', 1).refresh });

    b.session.signOut();

    expect(stored('/one')).to.equal(null);
  });

  it('stores the tokens of an account switched to, and asks its host to update', async () => {
    const other = pair('s1', 1, 2);
    bff = new FakeBff((request) =>
      request.path === '/one/iam/auth/jwt/clients/2/login'
        ? { status: 200, json: other }
        : { status: 404 },
    );
    const el = await mount('/one');
    el.session.signIn(pair('s1', 1));
    await el.updateComplete;
    const [client, updates] = [el.session.client, el.updates];

    await el.session.switchAccount(2);
    await el.updateComplete;

    expect(el.session.client).to.be.instanceOf(ApiClient).and.not.equal(client);
    expect(el.updates).to.equal(updates + 1);
    expect(stored('/one')).to.deep.equal(other);
  });

  it('neither stores, renews nor signs out a token the host gave', async () => {
    bff = new FakeBff(() => refused);
    const el = await mount('/one');
    el.token = pair('s1', 1).access;
    await el.updateComplete;

    await el.session.client!.me().catch(() => undefined);
    el.session.signOut();

    expect(el.session.client).to.be.instanceOf(ApiClient);
    expect(el.signedOut).to.deep.equal([]);
    expect(stored('/one')).to.equal(null);
    expect(bff.requests.map((r) => r.path)).to.deep.equal(['/one/iam/clients/me']);
  });
});

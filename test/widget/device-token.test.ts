/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { ApiClient } from '../../widget/api/client.ts';
import { FakeBff, fakeJwt } from './fake-bff.ts';

/**
 * The device token of a sign-in (docs/decisions/012-sign-in-throttling.md): kept per address in
 * localStorage and sent with the next sign-in from this browser, so guesses elsewhere at the same
 * address never make its owner wait.
 */
describe('Device token', () => {
  const email = 'Device.Owner@example.test';
  let bff: FakeBff;
  let issued = 0;

  beforeEach(() => {
    localStorage.removeItem('um-device:device.owner@example.test');
    bff = new FakeBff(() => ({
      status: 200,
      json: {
        access: fakeJwt({ sid: 's', client_id: 1 }),
        refresh: 'r',
        device_token: `device-${++issued}`,
      },
    }));
  });

  afterEach(() => bff.restore());

  it('is kept after a sign-in and sent with the next one, whatever the case of the address', async () => {
    const client = new ApiClient({ baseUrl: '/bff' });
    const first = await client.login({ username: email, password: 'pw' });
    expect(first).to.have.keys('access', 'refresh');
    expect(bff.requests[0].body).to.deep.equal({ username: email, password: 'pw' });
    const kept = localStorage.getItem('um-device:device.owner@example.test');
    expect(kept).to.equal(`device-${issued}`);

    await client.login({ username: email.toLowerCase(), password: 'pw' });
    expect((bff.requests[1].body as { device_token?: string }).device_token).to.equal(kept);
    expect(localStorage.getItem('um-device:device.owner@example.test')).to.equal(
      `device-${issued}`,
    );
  });

  it('is not sent for another address', async () => {
    const client = new ApiClient({ baseUrl: '/bff' });
    await client.login({ username: email, password: 'pw' });
    await client.login({ username: 'someone.else@example.test', password: 'pw' });
    expect(bff.requests[1].body).to.not.have.property('device_token');
    localStorage.removeItem('um-device:someone.else@example.test');
  });
});

/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { ROLE } from '../../shared/roles.ts';
import {
  checkInvitee,
  parseAddresses,
  parseCsv,
  roleFrom,
  UNKNOWN_LANG,
  UNKNOWN_ROLE,
  type InviteDefaults,
} from './bulk-invitees.ts';

const DEFAULTS: InviteDefaults = { roleId: ROLE.users, lang: 'en', cloud: undefined };
const person = (email: string, name = '', role = '', lang = '') => ({ email, name, role, lang });

describe('parseAddresses', () => {
  it('splits on line breaks, commas and semicolons, and drops empty pieces', () => {
    expect(
      parseAddresses('a@x.test\nb@x.test, c@x.test;d@x.test\r\n\n ;, e@x.test '),
    ).to.deep.equal(['a', 'b', 'c', 'd', 'e'].map((l) => person(`${l}@x.test`)));
  });

  it('reads a name as Name <email>, also quoted with a comma inside', () => {
    expect(
      parseAddresses('Jane Doe <jane@x.test>, "Doe, John" <john@x.test>; <only@x.test>'),
    ).to.deep.equal([
      person('jane@x.test', 'Jane Doe'),
      person('john@x.test', 'Doe, John'),
      person('only@x.test'),
    ]);
  });

  it('keeps what is not an address as it is, for the preview to call invalid', () => {
    expect(parseAddresses('not an address')).to.deep.equal([person('not an address')]);
    expect(parseAddresses('  \n , ; ')).to.deep.equal([]);
  });
});

describe('parseCsv', () => {
  it('reads email,name,role,lang without a header', () => {
    expect(parseCsv('a@x.test,Ann,Engineers,de\nb@x.test\n')).to.deep.equal([
      person('a@x.test', 'Ann', 'Engineers', 'de'),
      person('b@x.test'),
    ]);
  });

  it('follows a header in any order, with quotes, doubled quotes, CRLF and a BOM', () => {
    const csv =
      '\uFEFFLanguage,Email,Name\r\nru,a@x.test,"Doe, ""Jo"""\r\n\r\n,b@x.test,"Two\nLines"\r\n';
    expect(parseCsv(csv)).to.deep.equal([
      person('a@x.test', 'Doe, "Jo"', '', 'ru'),
      person('b@x.test', 'Two\nLines'),
    ]);
  });

  it("reads a spreadsheet's semicolons", () => {
    expect(parseCsv('email;name;role\na@x.test;Ann;1')).to.deep.equal([
      person('a@x.test', 'Ann', '1'),
    ]);
  });
});

describe('checkInvitee', () => {
  it('uses the defaults unless the row has its own role and language', () => {
    const cloud = { client_role: 'ClientAdministrator' as const, projects: [] };
    expect(checkInvitee(person('a@x.test', ' Ann '), { ...DEFAULTS, cloud })).to.deep.equal({
      row: { email: 'a@x.test', user_role: { id: ROLE.users }, name: 'Ann', lang: 'en', cloud },
    });
    expect(checkInvitee(person('a@x.test', '', 'engineers', 'DE'), DEFAULTS)).to.deep.equal({
      row: { email: 'a@x.test', user_role: { id: ROLE.engineers }, lang: 'de' },
    });
  });

  it('names each field at fault: the email, an unknown role or language', () => {
    expect(checkInvitee(person('nope', '', 'Wizards', 'xx'), DEFAULTS)).to.deep.equal({
      errors: {
        user_role: [UNKNOWN_ROLE],
        lang: [UNKNOWN_LANG],
        email: ['Enter a valid email address.'],
      },
    });
    expect(checkInvitee(person('a@x.test', 'x'.repeat(256)), DEFAULTS)).to.have.nested.property(
      'errors.name',
    );
  });

  it('knows a role by its id or its name', () => {
    expect(roleFrom('1')).to.equal(ROLE.administrators);
    expect(roleFrom(' Purge and Prefetch only (API) ')).to.equal(ROLE.purgeApi);
    expect(roleFrom('root')).to.equal(undefined);
  });
});

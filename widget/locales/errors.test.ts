/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { fieldErrorText } from './errors.ts';
import { t } from './index.ts';

describe('fieldErrorText', () => {
  it("says the BFF's known field messages in the widget's own words", () => {
    const cases: [string, string][] = [
      ['This field is required.', t('field.required')],
      ['Enter a valid email address.', t('field.invalidEmail')],
      ['This password is too common.', t('field.commonPassword')],
      ['Ensure this field has at least 8 characters.', 'Enter at least 8 characters.'],
      ['Ensure this field has no more than 254 characters.', 'Enter at most 254 characters.'],
      ['Null characters are not allowed.', t('field.nullCharacters')],
      ['User 42 has already been invited to client 7', t('error.already_invited')],
      ['The two passwords do not match.', t('field.passwordMismatch')],
      ['Enter a valid phone number.', t('field.invalidPhone')],
      ['This field may not be blank.', t('field.required')],
    ];
    expect(cases.map(([message]) => fieldErrorText(message, 'en'))).to.deep.equal(
      cases.map(([, text]) => text),
    );
    // Each of them reads differently from the server's text: the mapping did something.
    for (const [message, text] of cases) expect(text).to.not.equal(message);
  });

  it("falls back to the server's text for a message it does not know, in any language", () => {
    expect(fieldErrorText('Unknown field(s): foo.', 'en')).to.equal('Unknown field(s): foo.');
    expect(fieldErrorText('Ensure this field has no more than 100 elements.', 'de')).to.equal(
      'Ensure this field has no more than 100 elements.',
    );
    expect(fieldErrorText('This field is required.', 'de')).to.equal(t('field.required'));
  });
});

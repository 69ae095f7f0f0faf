import { describe, expect, it } from 'vitest';
import { fillVariables } from './compose.ts';

const named = { 'contact.firstName': 'Ana', 'contact.name': 'Ana Díaz', 'operator.firstName': 'Luc' };
const nameless = { 'contact.firstName': null, 'contact.name': '', 'operator.firstName': 'Luc' };

describe('fillVariables', () => {
  it('fills known variables and keeps unknown ones as typed', () => {
    expect(fillVariables('Hi {{contact.firstName}}, I am {{ operator.firstName }}.', named)).toBe(
      'Hi Ana, I am Luc.',
    );
    expect(fillVariables('Hi {{contact.nickname}} {{contact.nickname | you}}', named)).toBe(
      'Hi {{contact.nickname}} {{contact.nickname | you}}',
    );
  });

  it('uses the fallback only when the value is empty', () => {
    const template = 'Thank you for waiting, {{contact.firstName | there}}!';
    expect(fillVariables(template, named)).toBe('Thank you for waiting, Ana!');
    expect(fillVariables(template, nameless)).toBe('Thank you for waiting, there!');
    expect(fillVariables('Hola {{contact.name|amigo}}', { 'contact.name': '  ' })).toBe('Hola amigo');
  });

  it('leaves no separator dangling before an empty value', () => {
    const cases: [string, string][] = [
      ['Thank you for waiting, {{contact.firstName}}!', 'Thank you for waiting!'],
      ['Hi {{contact.firstName}}, how can I help?', 'Hi, how can I help?'],
      ['Hello {{contact.name}}.', 'Hello.'],
      ['Thanks, {{contact.firstName}}, for waiting.', 'Thanks for waiting.'],
      ['Hi {{contact.firstName}} and welcome', 'Hi and welcome'],
      ['{{contact.firstName}}, welcome!', 'welcome!'],
      ['Regards,\n{{contact.name}}\nBye {{contact.name}}\n', 'Regards,\n\nBye\n'],
      ['¡Gracias por esperar, {{contact.firstName}}!', '¡Gracias por esperar!'],
      ['Merci de patienter, {{contact.firstName}} !', 'Merci de patienter !'],
      ['Hi {{contact.firstName}}, I am {{operator.firstName}}.', 'Hi, I am Luc.'],
    ];
    for (const [template, expected] of cases) expect(fillVariables(template, nameless)).toBe(expected);
  });
});

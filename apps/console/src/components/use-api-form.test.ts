import * as contracts from '@parley/contracts';
import { ApiError } from '@parley/contracts/api-error';
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../i18n/locales/en.ts';
import { es } from '../i18n/locales/es.ts';
import { fr } from '../i18n/locales/fr.ts';
import { fieldMessageOf, type KnownErrors, messageOf, refusedField, textOf } from './use-api-form.ts';

const i18n = i18next.createInstance();
const tOf = (language: string) => i18n.getFixedT(language) as TFunction;
beforeAll(async () => {
  await i18n.init({
    resources: { en: { translation: en }, es: { translation: es }, fr: { translation: fr } },
    lng: 'en',
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
});

const read = (error: unknown, language: string, known?: KnownErrors) =>
  textOf(messageOf(error, known), tOf(language), language);

const emptyName = new ApiError(
  400,
  'validation_failed',
  'name: Too small: expected string to have >=1 characters',
  'name',
);
const member = new ApiError(
  409,
  'conflict',
  'anna@example.test is already a member of this workspace',
  'email',
);
const badLink = new ApiError(404, 'not_found', 'this reset link is invalid, used or expired', 'token');

describe('server refusals on a form', () => {
  it('names the refused field in Spanish and French instead of showing the English server text', () => {
    expect(read(emptyName, 'es')).toBe('Nombre: este valor no es válido.');
    expect(read(emptyName, 'fr')).toBe('Nom : cette valeur n’est pas valide.');
    expect(read(member, 'es')).toBe(
      'Correo electrónico: este valor entra en conflicto con algo que ya existe.',
    );
  });

  it('names the top-level field of a nested one, and a field it has no name for as sent', () => {
    const question = new ApiError(
      400,
      'validation_failed',
      'definition.questions.0.label.en: Too small',
      'definition.questions.0.label.en',
    );
    expect(read(question, 'es')).toBe('Preguntas: este valor no es válido.');
    const odd = new ApiError(400, 'validation_failed', 'colourCode: bad', 'colourCode');
    expect(read(odd, 'fr')).toBe('colourCode : cette valeur n’est pas valide.');
  });

  it('keeps the server’s own detail for readers of English', () => {
    expect(read(emptyName, 'en')).toBe('name: Too small: expected string to have >=1 characters');
  });

  it('says the generic text of the code when the server names no field', () => {
    const owner = new ApiError(409, 'conflict', 'a workspace needs at least one owner');
    expect(read(owner, 'es')).toBe('Esto entra en conflicto con algo que ya existe.');
    expect(read(badLink, 'fr')).toBe('Cet élément n’existe plus, ou vous ne pouvez pas le voir.');
  });

  it('prefers the text a form knows for a refusal it expects, in every language', () => {
    const known: KnownErrors = (error) => (error.field === 'token' ? 'auth.resetInvalid' : undefined);
    expect(read(badLink, 'en', known)).toBe(en.auth.resetInvalid);
    expect(read(badLink, 'es', known)).toBe(es.auth.resetInvalid);
  });

  it('leaves a key a caller can translate without values (the composer reads `key` alone)', () => {
    const message = messageOf(emptyName);
    expect('key' in message && tOf('es')(message.key)).toBe(es.errors.api.validation_failed);
  });

  it('puts a 400 or 409 on the field it names, with a text that need not name it', () => {
    expect(refusedField(member, ['email', 'role'])).toBe('email');
    expect(refusedField(badLink, ['token'])).toBeUndefined();
    expect(refusedField(new Error('boom'), ['email'])).toBeUndefined();
    expect(textOf(fieldMessageOf(member), tOf('es'), 'es')).toBe(es.errors.valueConflict);
    expect(textOf(fieldMessageOf(member), tOf('en'), 'en')).toBe(member.message);
    const weak = new ApiError(400, 'weak_password', 'too common', 'password');
    expect(textOf(fieldMessageOf(weak), tOf('fr'), 'fr')).toBe(fr.errors.weakPassword);
  });

  it('reads a lost connection and an unknown failure in the reader’s language', () => {
    expect(read(new ApiError(0, 'network_error', ''), 'es')).toBe(es.errors.network);
    expect(read(new Error('boom'), 'fr')).toBe(fr.errors.unexpected);
  });
});

/** Bodies only the widget or the server itself sends, and fields no one types (ids the console picks). */
const notFromTheConsole = [
  'answerSurveyBody',
  'errorBody',
  'identifyBody',
  'offlineMessageBody',
  'prechatBody',
  'rateBody',
  'widgetSendBody',
  'widgetSessionBody',
];
const machineFields = [
  'clientId',
  'private',
  'whisper',
  'attachmentIds',
  'surveyId',
  'conversationIds',
  'workspaceId',
  'read',
  'archived',
  'upTo',
  'important',
  'csatEnabled',
  'format',
  'sort',
  'dir',
  'locale',
  'lang',
  'key',
];

describe('the field a server refusal names', () => {
  it('has a name in every language for each field the console sends', () => {
    const unnamed = Object.entries(contracts).flatMap(([name, schema]) => {
      if (
        !name.endsWith('Body') ||
        notFromTheConsole.includes(name) ||
        !(typeof schema === 'object' && 'shape' in schema)
      )
        return [];
      return Object.keys(schema.shape as object)
        .filter((field) => !machineFields.includes(field) && !(field in en.errors.fields))
        .map((field) => `${name}.${field}`);
    });
    expect(unnamed).toEqual([]);
  });

  it('reads a refused transcript recipient and tag colour in Spanish and French', () => {
    const recipient = new ApiError(400, 'validation_failed', 'recipient: Invalid email address', 'recipient');
    expect(read(recipient, 'es')).toBe('Destinatario: este valor no es válido.');
    expect(read(recipient, 'fr')).toBe('Destinataire : cette valeur n’est pas valide.');
    const colour = new ApiError(400, 'validation_failed', 'colour: Invalid string', 'colour');
    expect(read(colour, 'fr')).toBe('Couleur : cette valeur n’est pas valide.');
  });
});

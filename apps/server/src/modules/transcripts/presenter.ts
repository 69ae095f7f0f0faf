import type { Message, Transcript, TranscriptEntry } from '@parley/contracts';
import { presentMessageForVisitor } from '../messages/presenter.ts';

/**
 * The customer's transcript: exactly what the visitor presenter lets the customer see (no private
 * note, no whisper, no operator surname), with attachments listed by name and size.
 */
export function presentTranscriptEntries(messages: readonly Message[]): TranscriptEntry[] {
  return messages.flatMap((m) => {
    const seen = presentMessageForVisitor(m);
    if (!seen) return [];
    return [
      {
        id: seen.id,
        authorKind: seen.authorKind,
        authorName: seen.authorName,
        text: seen.text,
        attachments: seen.attachments.map((a) => ({ name: a.name, size: a.size })),
        createdAt: seen.createdAt,
      },
    ];
  });
}

const words = {
  en: {
    subject: 'Transcript of your conversation #{n} with {w}',
    intro: 'Here is the transcript of your conversation with {w}.',
    you: 'You',
    agent: 'Support',
    attachment: 'Attachment',
    empty: '(no messages)',
  },
  es: {
    subject: 'Transcripción de su conversación n.º {n} con {w}',
    intro: 'Esta es la transcripción de su conversación con {w}.',
    you: 'Usted',
    agent: 'Soporte',
    attachment: 'Archivo adjunto',
    empty: '(sin mensajes)',
  },
  fr: {
    subject: 'Transcription de votre conversation n° {n} avec {w}',
    intro: 'Voici la transcription de votre conversation avec {w}.',
    you: 'Vous',
    agent: 'Support',
    attachment: 'Pièce jointe',
    empty: '(aucun message)',
  },
} as const;

export type TranscriptLocale = keyof typeof words;

const fill = (s: string, t: Transcript) => s.replace('{n}', String(t.number)).replace('{w}', t.workspaceName);

function stamp(iso: string, locale: TranscriptLocale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(iso),
  );
}

/** The plain-text e-mail of a transcript, in the customer's language and the workspace's time zone. */
export function transcriptMail(
  t: Transcript,
  locale: TranscriptLocale,
  timeZone: string,
): { subject: string; text: string } {
  const w = words[locale];
  const lines = [fill(w.intro, t), ''];
  for (const e of t.entries) {
    const who = e.authorKind === 'contact' ? w.you : (e.authorName ?? w.agent);
    lines.push(`[${stamp(e.createdAt, locale, timeZone)}] ${who}:`);
    if (e.text) lines.push(...e.text.split('\n').map((l) => `  ${l}`));
    for (const a of e.attachments)
      lines.push(`  ${w.attachment}: ${a.name} (${Math.ceil(a.size / 1024)} kB)`);
    lines.push('');
  }
  if (t.entries.length === 0) lines.push(w.empty);
  return { subject: fill(w.subject, t), text: lines.join('\n') };
}

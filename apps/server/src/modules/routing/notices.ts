import { eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { conversations, visitors } from '../../platform/db/schema.ts';
import { randomToken } from '../../platform/tokens.ts';

const texts = {
  looking: {
    en: 'Your operator is looking for information, one moment please.',
    es: 'Tu agente está buscando información, un momento por favor.',
    fr: 'Votre conseiller recherche des informations, un instant s’il vous plaît.',
  },
  stillLooking: {
    en: 'Still looking, thank you for waiting.',
    es: 'Seguimos buscando, gracias por esperar.',
    fr: 'Nous cherchons toujours, merci de votre patience.',
  },
} as const;

type Notice = keyof typeof texts;

const languageOf = (locale: string | null): 'en' | 'es' | 'fr' => {
  const primary = locale?.slice(0, 2).toLowerCase();
  return primary === 'es' || primary === 'fr' ? primary : 'en';
};

/** Posts a system message the customer sees, in the customer's language, to each conversation. */
export async function postNotice(
  ctx: Pick<AppContext, 'db' | 'writer'>,
  workspaceId: string,
  conversationIds: string[],
  notice: Notice,
) {
  if (conversationIds.length === 0) return;
  const rows = await ctx.db
    .select({ id: conversations.id, locale: visitors.locale })
    .from(conversations)
    .leftJoin(visitors, eq(visitors.id, conversations.visitorId))
    .where(inArray(conversations.id, conversationIds));
  await Promise.all(
    rows.map((row) =>
      ctx.writer.write({
        workspaceId,
        conversationId: row.id,
        clientId: `sys-${randomToken(12)}`,
        author: { kind: 'system', id: null, name: null },
        text: texts[notice][languageOf(row.locale)],
        private: false,
      }),
    ),
  );
}

import type { DomainEvent, WidgetPending, WidgetSurvey } from '@parley/contracts';
import type { ChatState } from './chat-state.ts';

/** Surveys to answer and the rating prompt (OI-7, CSAT): what the server says waits for the visitor. */
export interface ToolsState {
  surveys: WidgetSurvey[];
  csat: WidgetPending['csat'] | null;
}

/** A text in the panel's language, else English. */
export const pick = (value: { en: string; es?: string | null; fr?: string | null }, lang: string): string =>
  (lang === 'es' ? value.es : lang === 'fr' ? value.fr : null) || value.en;

/**
 * What an event of the visitor's stream changes in surveys and the rating prompt. The visitor
 * receives its own cut of these events (realtime/audience.ts): a survey's questions, ids only otherwise.
 */
export function reduceToolsEvent(state: ChatState, event: DomainEvent): Partial<ChatState> | null {
  const payload = event.payload as Record<string, unknown>;
  switch (event.name) {
    case 'survey.sent': {
      const survey = payload.survey as WidgetSurvey | undefined;
      if (!survey || state.surveys.some((s) => s.id === survey.id)) return null;
      return { surveys: [...state.surveys, survey] };
    }
    case 'survey.answered':
      return { surveys: state.surveys.filter((s) => s.id !== payload.surveyId) };
    case 'conversation.rated': {
      const { csat } = state;
      return csat && csat.conversationId === payload.conversationId
        ? { csat: { ...csat, conversationId: null } }
        : null;
    }
    case 'conversation.updated': {
      // Closed now: ask for a rating, if the workspace does.
      const c = payload.conversation as { id: string; status: string };
      if (c.status !== 'closed' || !state.csat?.enabled) return null;
      return { csat: { ...state.csat, conversationId: c.id } };
    }
    default:
      return null;
  }
}

import type {
  Attachment,
  CannedAnswer,
  CannedScope,
  ConversationToolSettings,
  DomainEvent,
  Locale,
  Rating,
  Survey,
  SurveyDefinition,
  SurveyRequest,
  Transcript,
} from '@parley/contracts';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { replaceLive } from '../../api/live-patch.ts';
import { currentLanguage } from '../../i18n/i18n.ts';

const base = (w: string) => `/api/workspaces/${encodeURIComponent(w)}`;
const one = (w: string, c: string) => `${base(w)}/conversations/${encodeURIComponent(c)}`;

/** Query keys of the conversation tools, under the workspace's prefix. */
export const composeKeys = {
  all: (w: string) => ['workspaces', w, 'compose'] as const,
  surveys: (w: string) => ['workspaces', w, 'compose', 'surveys'] as const,
  conversationSurveys: (w: string, c: string) =>
    ['workspaces', w, 'compose', 'conversation-surveys', c] as const,
  rating: (w: string, c: string) => ['workspaces', w, 'compose', 'rating', c] as const,
  canned: (w: string) => ['workspaces', w, 'compose', 'canned'] as const,
  settings: (w: string) => ['workspaces', w, 'compose', 'settings'] as const,
  gallery: (w: string, c: string) => ['workspaces', w, 'compose', 'gallery', c] as const,
  transcript: (w: string, c: string) => ['workspaces', w, 'compose', 'transcript', c] as const,
};

export type GalleryItem = Attachment & { conversationId: string; sharedAt: string; authorKind: string };

export const useSurveys = (w: string) =>
  useQuery({ queryKey: composeKeys.surveys(w), queryFn: () => api<Survey[]>('GET', `${base(w)}/surveys`) });

export const useConversationSurveys = (w: string, c: string) =>
  useQuery({
    queryKey: composeKeys.conversationSurveys(w, c),
    queryFn: () => api<SurveyRequest[]>('GET', `${one(w, c)}/surveys`),
  });

export const useRating = (w: string, c: string) =>
  useQuery({
    queryKey: composeKeys.rating(w, c),
    queryFn: () => api<Rating | null>('GET', `${one(w, c)}/rating`),
  });

export const useCannedAnswers = (w: string) =>
  useQuery({
    queryKey: composeKeys.canned(w),
    queryFn: () => api<CannedAnswer[]>('GET', `${base(w)}/canned-answers`),
  });

export const useToolSettings = (w: string) =>
  useQuery({
    queryKey: composeKeys.settings(w),
    queryFn: () => api<ConversationToolSettings>('GET', `${base(w)}/conversation-tools`),
  });

export const useGallery = (w: string, c: string, enabled: boolean) =>
  useQuery({
    queryKey: composeKeys.gallery(w, c),
    queryFn: () => api<GalleryItem[]>('GET', `${one(w, c)}/files`),
    enabled,
  });

export const composeApi = {
  transcript: (w: string, c: string) => api<Transcript>('GET', `${one(w, c)}/transcript`),
  emailTranscript: (w: string, c: string, body: { recipient?: string; locale: Locale }) =>
    api<{ to: string }>('POST', `${one(w, c)}/transcript/email`, body),
  sendSurvey: (w: string, c: string, surveyId: string) =>
    api<SurveyRequest>('POST', `${one(w, c)}/surveys`, { surveyId }),
  createSurvey: (w: string, body: { name: string; definition: SurveyDefinition }) =>
    api<Survey>('POST', `${base(w)}/surveys`, body),
  updateSurvey: (w: string, id: string, body: { name?: string; definition?: SurveyDefinition }) =>
    api<Survey>('PATCH', `${base(w)}/surveys/${encodeURIComponent(id)}`, body),
  deleteSurvey: (w: string, id: string) => api('DELETE', `${base(w)}/surveys/${encodeURIComponent(id)}`),
  /** The answers, with headers, questions and options in the console's language. */
  exportUrl: (w: string, id: string, format: 'csv' | 'xlsx') =>
    `${base(w)}/surveys/${encodeURIComponent(id)}/responses?format=${format}&lang=${currentLanguage()}`,
  createCanned: (
    w: string,
    body: { scope: CannedScope; teamId?: string | null; shortcut: string; title: string; text: string },
  ) => api<CannedAnswer>('POST', `${base(w)}/canned-answers`, body),
  updateCanned: (w: string, id: string, body: { shortcut?: string; title?: string; text?: string }) =>
    api<CannedAnswer>('PATCH', `${base(w)}/canned-answers/${encodeURIComponent(id)}`, body),
  deleteCanned: (w: string, id: string) =>
    api('DELETE', `${base(w)}/canned-answers/${encodeURIComponent(id)}`),
  updateSettings: (w: string, body: Partial<ConversationToolSettings>) =>
    api<ConversationToolSettings>('PATCH', `${base(w)}/conversation-tools`, body),
  editCustomer: (w: string, c: string, key: string, value: string | null) =>
    api('PUT', `${one(w, c)}/customer`, { key, value }),
  reuseFile: (w: string, c: string, attachmentId: string) =>
    api<Attachment>('POST', `${one(w, c)}/files/${encodeURIComponent(attachmentId)}/reuse`),
};

/** Events of the conversation tools mark the matching caches stale; what is on screen refetches. */
export function applyComposeEvent(client: QueryClient, w: string, event: DomainEvent): void {
  const refresh = (queryKey: readonly unknown[]) => void client.invalidateQueries({ queryKey });
  switch (event.name) {
    case 'survey.saved':
    case 'survey.deleted':
      refresh(composeKeys.surveys(w));
      return;
    case 'survey.sent':
    case 'survey.answered':
      refresh(composeKeys.conversationSurveys(w, event.payload.request.conversationId));
      return;
    case 'conversation.rated':
      refresh(composeKeys.rating(w, event.payload.rating.conversationId));
      return;
    case 'canned_answer.saved':
    case 'canned_answer.deleted':
      refresh(composeKeys.canned(w));
      return;
    case 'conversation_tools.updated':
      replaceLive(client, composeKeys.settings(w), event.payload.settings);
      return;
    case 'message.created':
      if (event.payload.message.attachments.length > 0)
        refresh(composeKeys.gallery(w, event.payload.message.conversationId));
      return;
    default:
      return;
  }
}

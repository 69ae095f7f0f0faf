import { Badge } from '@mantine/core';
import type { Conversation } from '@parley/contracts';
import { useTranslation } from 'react-i18next';

const priorityColor = { low: 'gray', medium: 'yellow', high: 'orange', urgent: 'red' } as const;

/** WS-2 / OI-7 marks on a conversation row: important, and a priority other than none. */
export function ConversationMarks({
  conversation: c,
}: {
  conversation: Pick<Conversation, 'important' | 'priority'>;
}) {
  const { t } = useTranslation();
  return (
    <>
      {c.important && (
        <Badge size="xs" color="red" variant="filled" tt="none" data-testid="important-mark">
          ★ {t('states.important')}
        </Badge>
      )}
      {c.priority !== 'none' && (
        <Badge size="xs" color={priorityColor[c.priority]} variant="light" tt="none">
          {t(`priority.${c.priority}`)}
        </Badge>
      )}
    </>
  );
}

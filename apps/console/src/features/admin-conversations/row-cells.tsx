import { Text } from '@mantine/core';
import type { AdminRow } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { customerName } from '../conversations/format.ts';

/** The customer as the operator console names them ("Visitor #6" when nothing else is known). */
export function CustomerCell({ row }: { row: AdminRow }) {
  const { t } = useTranslation();
  return (
    <>
      <Text size="sm" fw={500}>
        {customerName({ contact: row.customer, number: row.number }, t)}
      </Text>
      <Text size="xs" c="dimmed">
        {[row.customer.phone, t(`monitoring.channels.${row.channel}`), row.customer.country]
          .filter(Boolean)
          .join(' · ')}
      </Text>
    </>
  );
}

/** Closed, snoozed, else waiting (open) or in progress. */
export function StateCell({ row }: { row: AdminRow }) {
  const { t } = useTranslation();
  if (row.status === 'closed') return t('conversations.state.closed');
  if (row.snoozed) return t('conversations.state.snoozed');
  return t(`adminConversations.statuses.${row.status}`);
}

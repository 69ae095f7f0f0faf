import { Paper, UnstyledButton } from '@mantine/core';
import { type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session.ts';
import { useMembers } from '../members/members-api.ts';

/** The `@word` being typed at the end of the text, if any. */
const typing = (text: string) => /(?:^|[\s([{])@([^@\n]{0,40})$/u.exec(text)?.[1];

/**
 * `@name` autocomplete for notes and whispers (WS-1): suggests colleagues as the operator types;
 * arrows move, Enter or Tab picks, Escape closes. The server finds the mentions in the text itself.
 */
export function useMentions(
  workspaceId: string,
  text: string,
  enabled: boolean,
  setText: (next: string) => void,
) {
  const { t } = useTranslation();
  const listId = useId();
  const me = useSession().data?.user.id;
  const members = useMembers(workspaceId);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const query = enabled ? typing(text) : undefined;
  const lower = query?.toLowerCase() ?? '';
  const matches =
    query === undefined || dismissed === text
      ? []
      : (members.data ?? [])
          .filter((m) => m.userId !== me)
          .filter((m) =>
            m.name
              .toLowerCase()
              .split(/\s+/)
              .some((_, i, all) => all.slice(i).join(' ').startsWith(lower)),
          )
          .slice(0, 6);
  const open = matches.length > 0;
  const current = Math.min(active, Math.max(0, matches.length - 1));

  const pick = (name: string) => {
    setText(`${text.slice(0, text.length - lower.length - 1)}@${name} `);
    setActive(0);
  };

  return {
    inputProps: {
      'aria-autocomplete': 'list' as const,
      'aria-controls': open ? listId : undefined,
      'aria-activedescendant': open ? `${listId}-${current}` : undefined,
    },
    /** Handles the key when the suggestions are open; returns true when it did. */
    onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
      if (!open) return false;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((current + step + matches.length) % matches.length);
        return true;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        pick(matches[current]!.name);
        return true;
      }
      if (event.key === 'Escape') {
        setDismissed(text);
        return true;
      }
      return false;
    },
    list: open ? (
      <Paper
        withBorder
        shadow="sm"
        p={4}
        mb={4}
        id={listId}
        role="listbox"
        aria-label={t('supervision.mentionSuggestions')}
        data-testid="mention-suggestions"
      >
        {matches.map((m, i) => (
          <UnstyledButton
            key={m.userId}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === current}
            tabIndex={-1}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(m.name)}
            px="xs"
            py={2}
            display="block"
            w="100%"
            style={{
              borderRadius: 4,
              background: i === current ? 'var(--mantine-color-default-hover)' : undefined,
            }}
          >
            @{m.name}
          </UnstyledButton>
        ))}
      </Paper>
    ) : null,
  };
}

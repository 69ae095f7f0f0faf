import { ActionIcon, Group, Paper, Text, Tooltip, UnstyledButton } from '@mantine/core';
import {
  type Attachment,
  type CannedAnswer,
  type ConversationDetail,
  fillVariables,
} from '@parley/contracts';
import { type KeyboardEvent, type ReactNode, type RefObject, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session.ts';
import { CannedManagerButton } from './canned-manager.tsx';
import { useCannedAnswers } from './compose-api.ts';
import { GalleryButton } from './gallery-button.tsx';
import { BoldIcon, CodeIcon, ItalicIcon, ListIcon } from './icons.tsx';
import { LinkButton } from './link-button.tsx';
import {
  type Edit,
  insertLink,
  replaceShortcut,
  shortcutAt,
  toggleList,
  wrapSelection,
} from './markdown-edit.ts';

export interface ComposeToolsInput {
  workspaceId: string;
  conversation: ConversationDetail;
  textarea: RefObject<HTMLTextAreaElement | null>;
  text: string;
  update: (text: string) => void;
  addAttachment: (attachment: Attachment) => void;
}

const first = (name: string | null | undefined) => name?.trim().split(/\s+/)[0] ?? null;

/** The values a canned answer's {{variables}} take in this conversation. */
export function useVariableValues(workspaceId: string, c: ConversationDetail) {
  const session = useSession().data;
  const workspace = session?.workspaces.find((w) => w.id === workspaceId);
  return useMemo(
    () => ({
      'contact.name': c.contact.name,
      'contact.firstName': first(c.contact.name),
      'contact.email': c.contact.email,
      'contact.phone': c.contact.phone,
      'operator.name': session?.user.name ?? null,
      'operator.firstName': first(session?.user.name),
      'conversation.number': String(c.number),
      'workspace.name': workspace?.name ?? null,
    }),
    [c, session, workspace],
  );
}

/**
 * The composer's tools (OI-7, OI-8): the formatting toolbar, the gallery, and canned answers typed as
 * `/shortcut`. The composer hooks them in with its textarea, its text and its update function.
 */
export function useComposeTools(input: ComposeToolsInput) {
  const { t } = useTranslation();
  const { workspaceId, conversation, textarea, text, update } = input;
  const canned = useCannedAnswers(workspaceId);
  const values = useVariableValues(workspaceId, conversation);
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<string | null>(null);
  const listId = useId();

  const apply = (edit: Edit) => {
    update(edit.text);
    // After React has put the new value in: the selection the edit asks for, and focus back.
    requestAnimationFrame(() => {
      const el = textarea.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(edit.start, edit.end);
      setCaret(edit.end);
    });
  };
  // The last selection in the reply box: a toolbar button may take focus before it is read.
  const lastSelection = useRef<{ start: number; end: number } | null>(null);
  const selection = () => {
    const el = textarea.current;
    if (el && document.activeElement === el) return { start: el.selectionStart, end: el.selectionEnd };
    const last = lastSelection.current;
    if (last && last.end <= text.length) return last;
    return { start: el?.selectionStart ?? text.length, end: el?.selectionEnd ?? text.length };
  };
  const wrap = (marker: string, placeholder: string) => {
    const { start, end } = selection();
    apply(wrapSelection(text, start, end, marker, placeholder));
  };

  const typed = caret !== null ? shortcutAt(text, caret) : null;
  const open = typed !== null && dismissedAt !== text && (canned.data?.length ?? 0) > 0;
  const matches: CannedAnswer[] = open
    ? (canned.data ?? []).filter((a) => a.shortcut.startsWith(typed.query)).slice(0, 8)
    : [];
  const current = Math.min(active, Math.max(0, matches.length - 1));

  const choose = (answer: CannedAnswer) => {
    if (!typed || caret === null) return;
    apply(replaceShortcut(text, typed.start, caret, fillVariables(answer.text, values)));
    setActive(0);
  };

  /** Keys the tools handle before the composer's own (true = handled). */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (open && matches.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((current + step + matches.length) % matches.length);
        return true;
      }
      if (
        (event.key === 'Enter' || event.key === 'Tab') &&
        !event.shiftKey &&
        !event.nativeEvent.isComposing
      ) {
        event.preventDefault();
        choose(matches[current]!);
        return true;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissedAt(text);
        return true;
      }
    }
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === 'b' || event.key === 'i')) {
      event.preventDefault();
      if (event.key === 'b') wrap('**', t('compose.toolbar.boldPlaceholder'));
      else wrap('_', t('compose.toolbar.italicPlaceholder'));
      return true;
    }
    return false;
  };

  const optionId = (i: number) => `${listId}-${i}`;
  const expanded = open && matches.length > 0;
  const inputProps = {
    // Stays a textbox (its name and role are what people and tests know it by); the suggestions are
    // announced through aria-activedescendant.
    'aria-autocomplete': 'list' as const,
    'aria-controls': expanded ? listId : undefined,
    'aria-activedescendant': expanded ? optionId(current) : undefined,
    onSelect: (event: { currentTarget: HTMLTextAreaElement }) => {
      const { selectionStart: start, selectionEnd: end } = event.currentTarget;
      lastSelection.current = { start, end };
      setCaret(end);
    },
  };

  const suggestions: ReactNode = expanded ? (
    <Paper
      withBorder
      shadow="md"
      p={4}
      mb={6}
      id={listId}
      role="listbox"
      aria-label={t('compose.canned.suggestions')}
      data-testid="canned-suggestions"
    >
      {matches.map((answer, i) => (
        <UnstyledButton
          key={answer.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === current}
          tabIndex={-1}
          display="block"
          w="100%"
          px={8}
          py={4}
          style={{
            borderRadius: 4,
            background: i === current ? 'var(--mantine-color-default-hover)' : undefined,
          }}
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => choose(answer)}
        >
          <Group gap={8} wrap="nowrap">
            <Text size="sm" fw={600} style={{ flexShrink: 0 }}>
              /{answer.shortcut}
            </Text>
            <Text size="sm" truncate>
              {answer.title}
            </Text>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {t(`compose.canned.scopes.${answer.scope}`)}
            </Text>
          </Group>
        </UnstyledButton>
      ))}
    </Paper>
  ) : null;

  const tool = (label: string, icon: ReactNode, onClick: () => void, shortcut?: string) => (
    <Tooltip label={shortcut ? `${label} (${shortcut})` : label} withArrow openDelay={300}>
      <ActionIcon
        variant="subtle"
        color="gray"
        size="sm"
        aria-label={label}
        onClick={onClick}
        // Keeps focus and the selection in the reply box (keyboard users still reach the button).
        onMouseDown={(event) => event.preventDefault()}
      >
        {icon}
      </ActionIcon>
    </Tooltip>
  );

  const toolbar: ReactNode = (
    <Group gap={2} role="toolbar" aria-label={t('compose.toolbar.label')} mb={4} wrap="wrap">
      {tool(
        t('compose.toolbar.bold'),
        <BoldIcon />,
        () => wrap('**', t('compose.toolbar.boldPlaceholder')),
        'Ctrl+B',
      )}
      {tool(
        t('compose.toolbar.italic'),
        <ItalicIcon />,
        () => wrap('_', t('compose.toolbar.italicPlaceholder')),
        'Ctrl+I',
      )}
      {tool(t('compose.toolbar.list'), <ListIcon />, () => {
        const { start, end } = selection();
        apply(toggleList(text, start, end));
      })}
      {tool(t('compose.toolbar.code'), <CodeIcon />, () => wrap('`', t('compose.toolbar.codePlaceholder')))}
      <LinkButton
        onInsert={(url, label) => {
          const { start, end } = selection();
          apply(insertLink(text, start, end, url, label || text.slice(start, end)));
        }}
        selected={() => {
          const { start, end } = selection();
          return text.slice(start, end);
        }}
      />
      <GalleryButton
        workspaceId={workspaceId}
        conversationId={conversation.id}
        onPick={input.addAttachment}
      />
      <CannedManagerButton workspaceId={workspaceId} />
    </Group>
  );

  return { toolbar, suggestions, onKeyDown, inputProps };
}

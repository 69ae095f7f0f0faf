import { ActionIcon, Button, Group, Popover, Stack, TextInput, Tooltip } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { safeHref } from '../conversations/markdown.ts';
import { LinkIcon } from './icons.tsx';

/** The toolbar's link tool: an address (http, https or mailto only) and the text shown. */
export function LinkButton({
  onInsert,
  selected,
}: {
  onInsert: (url: string, label: string) => void;
  selected: () => string;
}) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [url, setUrl] = useState('https://');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const href = safeHref(url.trim());
    if (!href) {
      setError(t('compose.toolbar.linkInvalid'));
      return;
    }
    setOpened(false);
    onInsert(url.trim(), label.trim());
  };

  return (
    <Popover opened={opened} onChange={setOpened} trapFocus withArrow position="top-start" returnFocus>
      <Popover.Target>
        <Tooltip label={t('compose.toolbar.link')} withArrow openDelay={300}>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={t('compose.toolbar.link')}
            onClick={() => {
              setUrl('https://');
              setLabel(selected());
              setError(null);
              setOpened((o) => !o);
            }}
          >
            <LinkIcon />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown>
        <form onSubmit={submit}>
          <Stack gap="xs" w={260}>
            <TextInput
              label={t('compose.toolbar.linkUrl')}
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={error}
              data-autofocus
            />
            <TextInput
              label={t('compose.toolbar.linkText')}
              value={label}
              onChange={(e) => setLabel(e.currentTarget.value)}
            />
            <Group justify="flex-end">
              <Button size="xs" variant="default" onClick={() => setOpened(false)}>
                {t('common.cancel')}
              </Button>
              <Button size="xs" type="submit">
                {t('compose.toolbar.insertLink')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}

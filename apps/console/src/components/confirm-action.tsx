import { Button, Group, Popover, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';

export interface ConfirmActionProps {
  label: string;
  ariaLabel: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  loading?: boolean;
}

/** A destructive button that asks once more, next to where the user clicked. */
export function ConfirmAction({
  label,
  ariaLabel,
  question,
  onConfirm,
  disabled,
  loading,
}: ConfirmActionProps) {
  const { t } = useTranslation();
  const [opened, { close, toggle }] = useDisclosure(false);
  return (
    <Popover opened={opened} onChange={(next) => !next && close()} trapFocus withArrow position="bottom-end">
      <Popover.Target>
        <Button
          size="xs"
          variant="subtle"
          color="red"
          aria-label={ariaLabel}
          disabled={disabled}
          loading={loading}
          onClick={toggle}
        >
          {label}
        </Button>
      </Popover.Target>
      <Popover.Dropdown maw={300}>
        <Stack gap="sm">
          <Text size="sm">{question}</Text>
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button
              size="xs"
              color="red"
              onClick={() => {
                close();
                onConfirm();
              }}
            >
              {label}
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

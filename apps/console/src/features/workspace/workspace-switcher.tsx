import { Select } from '@mantine/core';
import type { WorkspaceMembership } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';

export interface WorkspaceSwitcherProps {
  workspaces: WorkspaceMembership[];
  currentId: string;
}

export function WorkspaceSwitcher({ workspaces, currentId }: WorkspaceSwitcherProps) {
  const { t } = useTranslation();
  return (
    <Select
      aria-label={t('shell.workspace')}
      data={workspaces.map((w) => ({ value: w.id, label: w.name }))}
      value={currentId}
      onChange={(id) => {
        if (id && id !== currentId) navigate(paths.workspace(id));
      }}
      allowDeselect={false}
      searchable={workspaces.length > 7}
      size="sm"
      w={{ base: 150, md: 220 }}
    />
  );
}

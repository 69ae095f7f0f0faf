import type { WorkspaceMembership } from '@parley/contracts';
import type { TFunction } from 'i18next';
import { paths, type WorkspaceSection } from '../../router/routes.ts';

/** Menu entries of operator management (OPS) and the audit log (API-3), only for those who may. */
export function operatorLinks(membership: WorkspaceMembership, t: TFunction) {
  const links: { section: WorkspaceSection; to: string; label: string; visible: boolean }[] = [
    {
      section: 'operators',
      to: paths.operators(membership.id),
      label: t('operators.nav'),
      visible: membership.permissions.includes('operators.manage'),
    },
    {
      section: 'audit',
      to: paths.audit(membership.id),
      label: t('audit.nav'),
      visible: membership.permissions.includes('audit_log.view'),
    },
  ];
  return links;
}

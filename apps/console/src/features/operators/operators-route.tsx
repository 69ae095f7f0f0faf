import type { WorkspaceMembership } from '@parley/contracts';
import { ForbiddenPage } from '../../components/page-states.tsx';
import type { OperatorPage } from '../../router/routes.ts';
import { AuditLogPage } from './audit-log-page.tsx';
import { ConnectionHistoryPage } from './connection-history-page.tsx';
import { OperatorDetailPage } from './operator-detail-page.tsx';
import { OperatorsPage } from './operators-page.tsx';

/** Operator management (OPS) and the audit log (API-3); the server checks every call again. */
export function OperatorsRoute({
  membership,
  section,
  operatorId,
  page,
}: {
  membership: WorkspaceMembership;
  section: 'operators' | 'audit';
  operatorId?: string;
  page?: OperatorPage;
}) {
  const needed = section === 'audit' ? 'audit_log.view' : 'operators.manage';
  if (!membership.permissions.includes(needed)) return <ForbiddenPage />;
  if (section === 'audit') return <AuditLogPage membership={membership} />;
  if (!operatorId) return <OperatorsPage membership={membership} />;
  if (page === 'connections') return <ConnectionHistoryPage membership={membership} userId={operatorId} />;
  return <OperatorDetailPage membership={membership} userId={operatorId} />;
}

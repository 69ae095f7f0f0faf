import { useMembers } from '../members/members-api.ts';

/** The operator's name for headings (the members list is cached by the rest of the console). */
export function useOperatorName(workspaceId: string, userId: string): string | null {
  const members = useMembers(workspaceId);
  return members.data?.find((m) => m.userId === userId)?.name ?? null;
}

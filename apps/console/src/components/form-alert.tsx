import { Alert } from '@mantine/core';

/** Announced when it appears, so a failed submit is not silent for screen reader users. */
export function FormAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Alert color="red" role="alert" variant="light">
      {message}
    </Alert>
  );
}

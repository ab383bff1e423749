/**
 * A form's error line, shown only when there is one: role="alert" so that a screen
 * reader says it as it appears.
 */
export function FormError({ error }: { error: string | undefined }) {
  if (error === undefined) return null;
  return (
    <p className="form-error" role="alert">
      {error}
    </p>
  );
}

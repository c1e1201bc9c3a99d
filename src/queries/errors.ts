/** D1 surfaces SQLite constraint failures only as message text. */
export function isUniqueViolation(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err);
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/.test(text);
}

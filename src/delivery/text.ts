/** `text`, cut to at most `limit` characters with an ellipsis: an outcome's message kept in a bounded column. */
export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

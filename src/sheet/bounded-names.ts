/**
 * Header names cut down for messages, events and mails. A header cell may hold 50,000
 * characters and a header 18,278 of them; copied whole, one sheet once made a 209 MB webhook
 * POST. So lists keep at most 100 names of at most 200 characters each, and say how many more.
 */
export const MAX_LISTED_NAMES = 100;
export const MAX_NAME_CHARS = 200;

/** `name`, or its first 199 characters and `…` (never splitting a surrogate pair). */
export function boundName(name: string, maxChars = MAX_NAME_CHARS): string {
  if (name.length <= maxChars) return name;
  let end = maxChars - 1;
  const last = name.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${name.slice(0, end)}…`;
}

/** The first `maxNames` names, each bounded, and how many were left out. */
export function boundNames(
  names: readonly string[],
  maxNames = MAX_LISTED_NAMES,
): { names: string[]; omitted: number } {
  return {
    names: names.slice(0, maxNames).map((name) => boundName(name)),
    omitted: Math.max(0, names.length - maxNames),
  };
}

/** `"A", "B", "C" and 7 more` for a message. */
export function describeNames(names: readonly string[], maxNames = 10): string {
  const { names: shown, omitted } = boundNames(names, maxNames);
  const list = shown.map((name) => `"${name}"`).join(', ');
  return omitted > 0 ? `${list} and ${omitted} more` : list;
}

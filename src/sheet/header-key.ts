/**
 * The one normalisation used wherever header names are compared (aliases, the key column,
 * field overrides, duplicate headers): case-insensitive, ignoring white space, punctuation
 * (`-`, `_`, `.`, `#`, …), symbols and invisible characters, so `E-mail Address`,
 * `email_address` and `EmailAddress` are the same header (CONTRACT.md, "Sheets").
 * NFKC first, so full-width letters and ligatures compare equal to their plain forms.
 */
export function headerKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Z}\p{C}\s]+/gu, '');
}

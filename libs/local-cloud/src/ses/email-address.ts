/**
 * E-mail address helpers: SES takes addresses either bare (`jane@example.com`) or with a display name
 * (`Jane Doe <jane@example.com>`), and rejects one that is not `UserName@[SubDomain.]Domain.TopLevelDomain`.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Destination.html
 */

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;.]+(\.[^\s@<>",;.]+)+$/;

/** The bare address of `Name <address>` (or of a bare address), lower-cased for comparison. */
export function addressOf(mailbox: string): string {
  const angle = /<([^>]*)>\s*$/.exec(mailbox);
  return (angle ? angle[1]! : mailbox).trim().toLowerCase();
}

export function isValidMailbox(mailbox: string): boolean {
  return ADDRESS.test(addressOf(mailbox));
}

/** Splits an address-list header (`a@x.com, "Doe, Jane" <j@x.com>`) on the commas outside quotes and angle brackets. */
export function splitAddressList(header: string | undefined): string[] {
  if (!header) return [];
  const mailboxes: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (char === '<' && !quoted) angled = true;
    else if (char === '>' && !quoted) angled = false;
    if (char === ',' && !quoted && !angled) {
      mailboxes.push(current);
      current = '';
    } else current += char;
  }
  mailboxes.push(current);
  return mailboxes.map((m) => m.trim()).filter(Boolean);
}

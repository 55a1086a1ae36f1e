import contentDisposition from 'content-disposition';

// What no file name should hold: path separators, characters Windows refuses, controls and the marks that
// reorder text on screen (a name could otherwise show "…fdp.exe" as "…exe.pdf").
const UNSAFE = /[\\/:*?"<>|\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

/**
 * Content-Disposition for a timesheet download: "attachment", the contract's name made safe as the file name
 * (RFC 6266 filename*, UTF-8), and a plain ASCII name for the clients that only read `filename`.
 */
export function timesheetAttachment(contractName: string, from: string, to: string, extension: 'csv' | 'pdf'): string {
  const name = [...contractName.replace(UNSAFE, '_').replace(/\s+/gu, ' ').trim()].slice(0, 80).join('').replace(/^\.+/, '');
  const period = `${from} to ${to}`;
  const filename = `${name || 'Contract'} timesheet ${period}.${extension}`;
  return contentDisposition(filename, { type: 'attachment', fallback: `timesheet-${from}-${to}.${extension}` });
}

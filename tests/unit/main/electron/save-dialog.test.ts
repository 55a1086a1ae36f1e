import { describe, expect, it } from 'vitest';
import type { BrowserWindow, Dialog, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { electronSaveDialog } from '../../../../src/main/electron/save-dialog.js';

/** The save dialog's Electron side: modal to the window, Documents first, overwrite asked on every OS, cancel = null. */
describe('electronSaveDialog', () => {
  const window = { id: 1 } as unknown as BrowserWindow;
  const dialogAnswering = (answer: SaveDialogReturnValue, calls: unknown[][]) =>
    ({
      showSaveDialog: async (...args: unknown[]) => {
        calls.push(args);
        return answer;
      },
    }) as unknown as Pick<Dialog, 'showSaveDialog'>;

  it('asks modally with the suggested name in Documents and the format filter; the answer is confirmed for replacing', async () => {
    const calls: unknown[][] = [];
    const port = electronSaveDialog(dialogAnswering({ canceled: false, filePath: '/home/f/Documents/t.csv' }, calls), () => window, () => '/home/f/Documents');
    expect(await port.choose({ defaultName: 'timesheet-2026-11-30-to-2026-12-06.csv', format: 'csv' })).toEqual({ path: '/home/f/Documents/t.csv', replaceConfirmed: true });
    expect(calls[0]![0]).toBe(window);
    const options = calls[0]![1] as SaveDialogOptions;
    expect(options.defaultPath).toBe('/home/f/Documents/timesheet-2026-11-30-to-2026-12-06.csv');
    expect(options.filters).toEqual([{ name: 'CSV spreadsheet', extensions: ['csv'] }]);
    expect(options.properties).toContain('showOverwriteConfirmation');
  });

  it('answers null when cancelled, and asks without a parent when the window is gone', async () => {
    const calls: unknown[][] = [];
    const port = electronSaveDialog(dialogAnswering({ canceled: true, filePath: '' }, calls), () => null, () => '/tmp');
    expect(await port.choose({ defaultName: 'x.pdf', format: 'pdf' })).toBeNull();
    expect((calls[0]![0] as SaveDialogOptions).filters).toEqual([{ name: 'PDF document', extensions: ['pdf'] }]);
  });
});

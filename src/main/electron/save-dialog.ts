import { join } from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { SaveDialogPort } from '../app/index.js';

const FILTERS: Readonly<Record<'csv' | 'pdf', Electron.FileFilter>> = {
  csv: { name: 'CSV spreadsheet', extensions: ['csv'] },
  pdf: { name: 'PDF document', extensions: ['pdf'] },
};

/**
 * The save dialog over Electron's, modal to the app's window, starting in the Documents folder. macOS and Windows
 * ask before a name that exists is chosen; on Linux `showOverwriteConfirmation` asks the same. So a path coming back
 * from here has been confirmed for replacing; the Electron-free writer still never replaces any other name.
 */
export function electronSaveDialog(dialog: Pick<Dialog, 'showSaveDialog'>, window: () => BrowserWindow | null, documentsDir: () => string): SaveDialogPort {
  return {
    async choose({ defaultName, format }) {
      const options: Electron.SaveDialogOptions = {
        title: `Save the timesheet (${format.toUpperCase()})`,
        defaultPath: join(documentsDir(), defaultName),
        filters: [FILTERS[format]],
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      };
      const parent = window();
      const answer = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return answer.canceled || !answer.filePath ? null : { path: answer.filePath, replaceConfirmed: true };
    },
  };
}

import type { SensorRow } from '../../shared/ipc/contract.js';
import { byId, show } from '../dom.js';
import { sensorWords } from '../words.js';

/**
 * "On this computer": which backend records each sensor and why, or why it cannot (the app's `worktrace status`).
 * Known once tracking has started here; redrawn only when a row changes.
 */
export function renderSensors(rows: readonly SensorRow[]): void {
  const list = byId<HTMLUListElement>('sensors-list');
  show(byId('sensors'), rows.length > 0);
  const signature = JSON.stringify(rows);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(
    ...rows.map((row) => {
      const words = sensorWords(row);
      const item = document.createElement('li');
      item.dataset.sensor = row.sensor;
      item.dataset.status = row.status;
      const title = document.createElement('span');
      title.className = row.status === 'ok' ? 'sensor-title' : 'sensor-title unavailable';
      title.textContent = words.title;
      item.append(title);
      if (words.reason !== null) {
        const reason = document.createElement('span');
        reason.className = 'sensor-reason muted';
        reason.textContent = words.reason;
        item.append(reason);
      }
      return item;
    }),
  );
}

import type { AppState, ContractView } from '../../shared/ipc/contract.js';
import type { PrivateWindowRule } from '../../shared/privacy/private-windows.js';
import { redactionWords } from '../../shared/privacy/words.js';
import { byId, setText, show } from '../dom.js';
import { privateRuleWords } from '../words.js';

/**
 * The private-window settings: the freelancer's own list (add, remove, keep application names) and, read-only, the
 * list the client of the contract on screen set. Redrawn only when a list changes, so a state push every second never
 * takes the focus off a Remove button or the pattern being typed.
 */
export function renderPrivacy(privacy: AppState['privacy'], contract: ContractView | null, onRemove: (rule: PrivateWindowRule) => void): void {
  const view = privacy ?? { rules: [], unreadable: null, keepAppNames: false, redaction: null };
  // The words above say "painted out on every monitor": where the capturer cannot do that, say what happens instead.
  const partial = view.redaction?.redaction === 'focused-window' || view.redaction?.redaction === 'while-any-rule' ? view.redaction : null;
  setText(byId('privacy-partial'), partial ? redactionWords(partial) : '');
  show(byId('privacy-partial'), partial !== null);
  setText(byId('privacy-unreadable'), view.unreadable ? `Your private-window list cannot be read, so no screenshots are taken: ${view.unreadable}` : '');
  show(byId('privacy-unreadable'), view.unreadable !== null);
  show(byId('privacy-empty'), view.unreadable === null && view.rules.length === 0);
  const keep = byId<HTMLInputElement>('privacy-keep-app-names');
  if (document.activeElement !== keep) keep.checked = view.keepAppNames;
  drawRules(byId<HTMLUListElement>('privacy-list'), view.rules, onRemove);

  const clients = contract?.privateWindows;
  show(byId('privacy-contract'), contract !== null && clients !== undefined && (clients === null || clients.length > 0));
  show(byId('privacy-contract-unreadable'), clients === null);
  drawRules(byId<HTMLUListElement>('privacy-contract-list'), clients ?? [], null);
}

function drawRules(list: HTMLUListElement, rules: readonly PrivateWindowRule[], onRemove: ((rule: PrivateWindowRule) => void) | null): void {
  const signature = JSON.stringify(rules);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(
    ...rules.map((rule) => {
      const item = document.createElement('li');
      const words = document.createElement('span');
      words.textContent = privateRuleWords(rule);
      item.append(words);
      if (onRemove) {
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = 'Remove';
        remove.setAttribute('aria-label', `Remove ${privateRuleWords(rule)}`);
        remove.addEventListener('click', () => onRemove(rule));
        item.append(remove);
      }
      return item;
    }),
  );
}

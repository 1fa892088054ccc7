// A confirmation in a native modal <dialog> for every delete of the screen:
// a heading, what will happen, and a confirm button
// ("Delete") followed by "Cancel". The first button has the focus, Escape
// or Cancel closes it, and a failure of the confirmed action shows the
// engine's message inside the dialog (role="alert") and keeps it open.
import {h, render, uid} from './dom.js';

// Shows the dialog in `host` and resolves, once it has closed, to
// {result} (what `action()` returned) when the action succeeded, or null
// when the user cancelled. `body` is a node, a string or a list of them.
// `setup(confirmButton)`, when given, runs before the dialog opens (to
// disable the button until something in the body is done).
export function confirmDialog(host, {title, body, confirmLabel = 'Delete', action, setup}) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = uid('dialog-title');
    const errorSlot = h('div', {class: 'dialog-error'});
    let busy = false;
    let outcome = null;

    const confirm = h('button', {type: 'button', class: 'primary danger'}, confirmLabel);
    const cancel = h('button', {type: 'button'}, 'Cancel');
    const dialog = h('dialog', {class: 'confirm', 'aria-labelledby': titleId},
                     h('h2', {id: titleId}, title),
                     body ? h('div', {class: 'dialog-body'}, body) : null,
                     errorSlot,
                     h('div', {class: 'toolbar dialog-buttons'}, confirm, cancel));

    confirm.addEventListener('click', async () => {
      if (busy) return;
      busy = true;
      confirm.disabled = true;
      dialog.setAttribute('aria-busy', 'true');
      render(errorSlot);
      try {
        outcome = {result: await action()};
        dialog.close();
      } catch (e) {
        render(errorSlot, h('p', {role: 'alert', class: 'error'}, e.message));
        confirm.disabled = false;
        confirm.focus();
      } finally {
        busy = false;
        dialog.removeAttribute('aria-busy');
      }
    });
    cancel.addEventListener('click', () => {
      if (!busy) dialog.close();
    });
    // Escape: the browser closes the dialog, except while the action runs.
    dialog.addEventListener('cancel', (e) => {
      if (busy) e.preventDefault();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(outcome);
    });

    setup?.(confirm);
    host.append(dialog);
    dialog.showModal();
    (confirm.disabled ? cancel : confirm).focus();
  });
}

// Closes any dialog of these pages still open in `host` (when the view is
// left).
export function closeDialogs(host) {
  for (const dialog of host.querySelectorAll('dialog.confirm')) {
    if (dialog.open) dialog.close();
  }
}

// Deleting a segment: a confirmation that names what depends on it (GET
// /v1/segments/{id}/usage). Segments referencing it block the delete (the
// engine refuses); campaigns using it are detached only when the marketer
// ticks the box (a forced delete).
import {api} from './api.js';
import {confirmDialog} from './confirm_dialog.js';
import {h} from './dom.js';

// Resolves true once the segment is deleted, false when cancelled.
export async function confirmDelete(segment) {
  const usage = await api.get(`/v1/segments/${segment.id}/usage`);
  const blocked = usage.segments.length > 0;
  const force = h('input', {type: 'checkbox', id: 'force-delete'});
  const outcome = await confirmDialog(document.body, {
    title: `Delete ${segment.name}?`,
    body: [
      h('p', {}, 'Deleting a segment is permanent: its members leave it and its history goes.'),
      h('p', {}, `Used by campaigns: ${usage.campaigns.join(', ') || 'none'}`),
      h('p', {}, `Referenced by segments: ${usage.segments.join(', ') || 'none'}` +
                 (blocked ? '. Change their filters first; it cannot be deleted while ' +
                            'they use it.' : '')),
      usage.campaigns.length && !blocked
          ? h('div', {class: 'field inline'}, force,
              h('label', {for: force.id}, 'Detach from these campaigns and delete'))
          : null,
    ],
    setup: (confirm) => {
      confirm.disabled = blocked || usage.campaigns.length > 0;
      force.addEventListener('change', () => { confirm.disabled = !force.checked; });
    },
    action: () => api.del(`/v1/segments/${segment.id}${force.checked ? '?force=true' : ''}`),
  });
  return outcome !== null;
}

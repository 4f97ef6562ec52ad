// examples/docs/handler-chain.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  // Runs first (lower priority first), for the "posts" and "comments" collections only.
  const id = plinth.onRecordCreate('posts', 'comments').bind({
    id: 'stamp-source',
    priority: -10,
    func: async (e) => {
      e.record.set('source', 'api');
      await e.next(); // the later handlers, then the write itself
      e.app.logger.info({ id: e.record.id }, 'written'); // after the write, still inside its transaction
    },
  });

  // Binding the same id again replaces that handler; unbind removes it.
  plinth.onRecordCreate('posts', 'comments').unbind(id);
};

// examples/docs/on-record-after-create-success.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAfterCreateSuccess('orders').bindFunc(async (e) => {
    await e.app.sendMail({
      from: { address: e.app.settings().meta.senderAddress },
      to: [{ address: e.record.getString('email') }],
      subject: 'Thank you for your order',
      html: `<p>Order ${e.record.id} is in.</p>`,
    });
    await e.next();
  });
};

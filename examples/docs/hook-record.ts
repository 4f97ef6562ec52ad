// examples/docs/hook-record.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordCreate('users').bindFunc(async (e) => {
    const user = e.record;
    const read = {
      id: user.id, // '' until it is saved, unless the body gave one
      collection: user.collection.name, // 'users'
      meta: user.get('meta'), // the value as stored (JSON fields come back parsed)
      name: user.getString('name'), // '' when empty
      age: user.getNumber('age'), // 0 when empty or not a number
      verified: user.getBool('verified'), // true only for true
    };

    user.set('name', user.getString('name').trim());
    user.set('tags+', 'newcomer'); // the modifiers of the API: append, prepend (+tags), remove (tags-)
    user.load({ emailVisibility: false, age: '42' }); // several keys, normalised as a body would be
    if (user.getString('name') === '') user.setPassword(crypto.randomUUID()); // hashed on save

    e.app.logger.debug({ read, stored: user.values(), shown: user.toJSON() }, 'a user is being created');
    await e.next();
  });
};

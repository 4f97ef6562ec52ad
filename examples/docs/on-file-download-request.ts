// examples/docs/on-file-download-request.ts
import type { PlinthApi } from 'plinth';
import { ForbiddenError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onFileDownloadRequest('invoices').bindFunc(async (e) => {
    // The file exists and the request may have it; these rules come on top.
    if (e.record.getString('status') === 'draft' && !e.hasSuperuserAuth()) throw new ForbiddenError('The invoice is not issued yet.');
    e.servedName = `invoice-${e.record.getString('number')}.pdf`; // the name the browser saves it under
    await e.next(); // serves e.servedPath
  });
};

// Some S3-compatible servers answer a range they cannot serve exactly with more than was
// asked (the whole object, or up to the end: `bytes=0-0` is a common victim). An HTTP 206
// built on that would send more bytes than its Content-Length, so the body is cut to the
// requested range here whenever the server's Content-Range says it was not honoured.
import { Transform, type Readable } from 'node:stream';
import type { ByteRange } from '../types.js';

/** The `start` of `bytes start-end/total`, or 0 when the server sent the whole object. */
function servedStart(contentRange: string | undefined): number | null {
  if (!contentRange) return 0;
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
  return match ? Number(match[1]) : null;
}

export function exactRange(body: Readable, range: ByteRange, contentRange: string | undefined): Readable {
  const start = servedStart(contentRange);
  const wanted = range.end - range.start + 1;
  if (start === null || start > range.start) return body;
  if (contentRange && start === range.start && /-(\d+)\//.exec(contentRange)?.[1] === String(range.end)) return body;
  let skip = range.start - start;
  let left = wanted;
  const cut = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        done();
        return;
      }
      const piece = chunk.subarray(skip, skip + left);
      skip = 0;
      left -= piece.length;
      if (piece.length > 0) this.push(piece);
      done();
      // Enough: stop reading from the server, and finish this side too.
      if (left === 0) {
        body.unpipe(cut);
        body.destroy();
        cut.end();
      }
    },
  });
  body.on('error', (err) => cut.destroy(err));
  cut.on('close', () => body.destroy());
  return body.pipe(cut);
}

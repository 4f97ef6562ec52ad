// Runs s3rver in a child process for test/support/s3.ts. It runs apart from the tests so its
// own memory does not count in theirs, and with OpenSSL's legacy provider, which s3rver
// needs for the continuation tokens of paged listings. Talks to its parent over IPC:
// sends {port} once listening, stops on 'stop'.
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
const address = await server.run();
process.send({ port: address.port });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await server.close();
  process.disconnect();
});
// The parent going away (a crashed test run) takes this server with it.
process.on('disconnect', () => process.exit(0));

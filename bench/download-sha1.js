// `node bench/download-sha1.js URL`: the floor of an unchanged re-sync. Downloads the sheet's
// CSV export over node:http (what leadsync's own fetch uses) and hashes the bytes as they stream,
// then prints `{"ms":…,"bytes":…,"sha1":"…"}`. Plain JavaScript, run by `node` without tsx, so the
// process is as cheap as a Node process gets; `ms` is timed from the request to the digest, which
// excludes start-up like a sync run's own durationMs does.
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';

const url = process.argv[2];
if (!url) {
  console.error('usage: node bench/download-sha1.js URL');
  process.exit(2);
}

const started = performance.now();
get(url, (res) => {
  if (res.statusCode !== 200) {
    console.error(`GET ${url}: HTTP ${res.statusCode}`);
    process.exit(1);
  }
  const hash = createHash('sha1');
  let bytes = 0;
  res.on('data', (chunk) => {
    bytes += chunk.length;
    hash.update(chunk);
  });
  res.on('end', () => {
    const sha1 = hash.digest('hex');
    const ms = performance.now() - started;
    process.stdout.write(JSON.stringify({ ms, bytes, sha1 }) + '\n');
  });
  res.on('error', fail);
}).on('error', fail);

function fail(error) {
  console.error(`GET ${url}: ${error.message}`);
  process.exit(1);
}

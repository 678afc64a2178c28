// The floor for latency on this machine: a bare node:http server that reads the body and answers
// `[]`, run as its own process like podfit serve, measured with the same paced generator.
import http from 'node:http';
const port = Number(process.argv[2] ?? 18899);
const srv = http.createServer((req, res) => {
  if (req.url === '/readyz') return res.end('ok');
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('[]');
  });
});
srv.keepAliveTimeout = 120_000;
srv.listen(port, '127.0.0.1');
process.on('SIGTERM', () => srv.close(() => process.exit(0)));

#!/usr/bin/env node
// A small static file server for www/, bound to 127.0.0.1 only.
//
//   node scripts/serve.mjs [--port N] [--root DIR]     (or PORT=N)
//
// Also a module: `import { startServer } from "./scripts/serve.mjs"` gives
// `await startServer({ root, port })` -> `{ url, port, server, close() }`, which
// the end-to-end tests and the benchmark start in-process (port 0 = any free).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";

const HOST = "127.0.0.1";
const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "www");
// How many ports after the requested one to try when it is taken.
const PORT_ATTEMPTS = 20;

// Sent on every HTML response: the page runs only its own scripts and wasm.
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join("; ");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

function mimeFor(file) {
  return MIME[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

// Maps a URL path onto a file under root, or null when it would leave root.
function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const file = path.resolve(root, "." + path.posix.normalize("/" + decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function makeHandler(root) {
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "method not allowed\n", { Allow: "GET, HEAD" });
      return;
    }
    let pathname;
    try {
      pathname = new URL(req.url, "http://localhost").pathname;
    } catch {
      send(res, 400, "bad request\n");
      return;
    }
    let file = resolveInside(root, pathname);
    if (file === null) {
      send(res, 403, "forbidden\n");
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        // /dir -> /dir/ so relative links in its index.html resolve correctly.
        if (!pathname.endsWith("/")) {
          send(res, 301, "moved\n", { Location: pathname + "/" });
          return;
        }
        file = path.join(file, "index.html");
        fs.stat(file, (err2, st2) => serveFile(req, res, file, err2 ? null : st2));
        return;
      }
      serveFile(req, res, file, err ? null : st);
    });
  };
}

// Compressed copies of text and wasm files, by path, kept while the file is unchanged:
// what a production static host does, so the benchmark measures real transfer sizes.
const gzipCache = new Map();
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|wasm)|image\/svg)/;

function gzipped(file, st, done) {
  const key = `${file}:${st.size}:${st.mtimeMs}`;
  const hit = gzipCache.get(file);
  if (hit && hit.key === key) return done(null, hit.data);
  fs.readFile(file, (err, raw) => {
    if (err) return done(err);
    zlib.gzip(raw, { level: 9 }, (zerr, data) => {
      if (zerr) return done(zerr);
      gzipCache.set(file, { key, data });
      done(null, data);
    });
  });
}

function serveFile(req, res, file, st) {
  if (!st || !st.isFile()) {
    send(res, 404, "not found\n");
    return;
  }
  const type = mimeFor(file);
  const headers = {
    "Content-Type": type,
    "X-Content-Type-Options": "nosniff",
    // A development server: always revalidate, so a rebuild shows up at once.
    "Cache-Control": "no-cache",
    Vary: "Accept-Encoding",
  };
  if (type.startsWith("text/html")) headers["Content-Security-Policy"] = CSP;
  const accepts = /\bgzip\b/.test(req.headers["accept-encoding"] || "");
  if (accepts && COMPRESSIBLE.test(type)) {
    gzipped(file, st, (err, data) => {
      if (err) {
        send(res, 500, "cannot read file\n");
        return;
      }
      headers["Content-Encoding"] = "gzip";
      headers["Content-Length"] = data.length;
      res.writeHead(200, headers);
      res.end(req.method === "HEAD" ? undefined : data);
    });
    return;
  }
  headers["Content-Length"] = st.size;
  res.writeHead(200, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = fs.createReadStream(file);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

function listenOnce(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, HOST);
  });
}

/**
 * Starts the static server on 127.0.0.1.
 * @param {{root?: string | URL, port?: number}} [opts]
 *   root: directory to serve, a path or file: URL (default: the repo's www/);
 *   port: first port to try (default 8080; 0 = any free port); when taken, the
 *   next ports are tried.
 * @returns {Promise<{url: string, port: number, server: http.Server, close: () => Promise<void>}>}
 */
export async function startServer({ root = DEFAULT_ROOT, port = 8080 } = {}) {
  // Accept a file: URL too (e.g. `new URL("../../www/", import.meta.url)`).
  if (root instanceof URL || String(root).startsWith("file:")) root = fileURLToPath(root);
  const absRoot = fs.realpathSync(path.resolve(root));
  if (!fs.statSync(absRoot).isDirectory()) throw new Error(`not a directory: ${absRoot}`);
  const server = http.createServer(makeHandler(absRoot));
  // Keep-alive sockets would otherwise hold close() open for seconds.
  server.keepAliveTimeout = 1000;
  const attempts = port === 0 ? 1 : PORT_ATTEMPTS;
  let lastErr;
  for (let i = 0; i < attempts; i++) {
    const p = port === 0 ? 0 : port + i;
    try {
      await listenOnce(server, p);
      const actual = server.address().port;
      return {
        url: `http://${HOST}:${actual}/`,
        port: actual,
        server,
        close: () =>
          new Promise((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections?.();
          }),
      };
    } catch (err) {
      lastErr = err;
      if (err.code !== "EADDRINUSE") throw err;
    }
  }
  throw new Error(`ports ${port}..${port + attempts - 1} on ${HOST} are all in use (${lastErr?.message})`);
}

function parseArgs(argv) {
  const opts = { port: undefined, root: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes("=")) return a.slice(a.indexOf("=") + 1);
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--port" || a.startsWith("--port=")) opts.port = value();
    else if (a === "--root" || a.startsWith("--root=")) opts.root = value();
    else if (a === "-h" || a === "--help") {
      console.log("usage: node scripts/serve.mjs [--port N] [--root DIR]   (PORT env also works; default 8080)");
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
  }
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`serve: ${err.message}`);
    process.exit(2);
  }
  const rawPort = opts.port ?? process.env.PORT ?? "8080";
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: bad port: ${rawPort}`);
    process.exit(2);
  }
  const root = opts.root ?? DEFAULT_ROOT;
  if (!fs.existsSync(root)) {
    console.error(`serve: ${root} does not exist`);
    process.exit(1);
  }
  let handle;
  // Handlers first, so a signal that comes right after the URL is printed
  // still gets a clean shutdown.
  const stop = async (signal) => {
    console.error(`serve: ${signal}, stopping`);
    if (handle) await handle.close();
    process.exit(0);
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  try {
    handle = await startServer({ root, port });
  } catch (err) {
    console.error(`serve: ${err.message}`);
    process.exit(1);
  }
  if (handle.port !== port && port !== 0) console.error(`serve: port ${port} is busy; using ${handle.port}`);
  console.error(`serve: serving ${path.resolve(root)} (Ctrl-C stops)`);
  console.log(handle.url);
}

// Run as a program only when executed directly, not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  await main();
}

/**
 * The Lambda API on a socket: route, check the signature's form, read the
 * body under its operation's limit, parse the input, and hand it to the
 * service. Whatever a request holds, the server answers it (never crashes):
 * a problem the protocol layer finds is Lambda's error; anything unexpected
 * is a ServiceException. Each answer carries x-amzn-RequestId as Lambda's do.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiResponse } from "./api/api-response.js";
import { checkAuthorization } from "./api/auth.js";
import { readBody } from "./api/body.js";
import { errorResponse, problemResponse, unknownOperationResponse } from "./api/errors.js";
import { parseInput } from "./api/inputs.js";
import { matchRoute } from "./api/routes.js";
import type { LambdaService } from "./lambda-service.js";
import { SessionStoppedError } from "./session.js";

export class LambdaServer {
  /** Requests answered, by status code class (for the closing line). */
  answered = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Listens on host:port (0: any free port); a port in use or a bad host rejects with the system's error. */
  static listen(service: LambdaService, host: string, port: number): Promise<LambdaServer> {
    let self: LambdaServer | null = null;
    const server = createServer((req, res) => {
      const me = self;
      if (me !== null) {
        me.pending++;
        // Until the answer is flushed (or the socket is gone): close() waits for it.
        res.once("close", () => {
          if (--me.pending === 0) me.idle?.();
        });
      }
      void answer(service, req).then(
        (response) => send(req, res, response, () => self !== null && self.answered++),
        (e: unknown) => send(req, res, unexpectedFailure(e), () => {}),
      );
    });
    server.keepAliveTimeout = 5_000;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        const address = server.address() as AddressInfo;
        const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
        self = new LambdaServer(server, `http://${shownHost}:${address.port}`);
        resolve(self);
      });
    });
  }

  /** Requests taken and not answered yet. */
  private pending = 0;
  private idle: (() => void) | null = null;

  /**
   * Stops listening, lets the requests already taken be answered (the
   * session's stop has settled them all) for up to `graceMs`, then closes
   * every connection.
   */
  async close(graceMs = 1000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.pending > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    this.server.closeAllConnections();
    await closed;
  }
}

/** A failure no layer foresaw; a read the stopping session refused is Lambda's ServiceException in its words. */
function unexpectedFailure(e: unknown): ApiResponse {
  if (e instanceof SessionStoppedError) return errorResponse("ServiceException", e.message);
  return errorResponse("ServiceException", `Internal error: ${String(e)}`);
}

async function answer(service: LambdaService, req: IncomingMessage): Promise<ApiResponse> {
  const method = req.method ?? "";
  const url = req.url ?? "";
  const match = matchRoute(method, url);
  if (match === null) return unknownOperationResponse(method, url.split("?")[0]);
  const signed = checkAuthorization(req.headers);
  if (!signed.ok) return problemResponse(signed.problem);
  const body = await readBody(req, match.operation, req.headers);
  if (!body.ok) return problemResponse(body.problem);
  const input = parseInput(match, req.headers, body.value);
  if (!input.ok) return problemResponse(input.problem);
  return service.handle(input.value);
}

function send(req: IncomingMessage, res: ServerResponse, response: ApiResponse, counted: () => void): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers, "x-amzn-RequestId": randomUUID() };
  // A request refused before its body was read whole (413): close rather than read the rest.
  if (!req.readableEnded) headers.Connection = "close";
  res.writeHead(response.status, headers);
  res.end(response.body);
  counted();
  if (!req.readableEnded) req.resume();
}

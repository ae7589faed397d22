import http from "node:http";
import type { Socket } from "node:net";
import type { FuzzResponse } from "./check.js";
import type { FuzzRequest } from "./request.js";

type Connection = NonNullable<FuzzResponse["connection"]>;

/**
 * Sends a generated request byte for byte with node:http (fetch would normalise the target, refuse repeated or odd
 * headers and reject some bodies), over kept-alive connections.
 */
export class Sender {
  private readonly agent: http.Agent;
  private readonly connections = new WeakMap<Socket, Connection>();
  private opened = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    connections: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  async send(request: FuzzRequest): Promise<FuzzResponse> {
    try {
      return await this.once(request, this.agent);
    } catch (error) {
      // A kept-alive socket the server closed just as this request went out (after a 413, say): once more on a new one.
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") throw error;
      return this.once(request, undefined);
    }
  }

  private once(request: FuzzRequest, agent: http.Agent | undefined): Promise<FuzzResponse> {
    return new Promise((resolve, reject) => {
      let connection: Connection | undefined;
      const outgoing = http.request(
        {
          host: this.host,
          port: this.port,
          method: request.method,
          path: request.path,
          headers: framed(request),
          agent: agent ?? false,
          timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const contentType = response.headers["content-type"];
            const answeredOn = connection && { ...connection };
            if (connection) connection.previous = request;
            resolve({ status: response.statusCode ?? 0, contentType, body: Buffer.concat(chunks), ...(answeredOn ? { connection: answeredOn } : {}) });
          });
          response.on("error", reject);
        },
      );
      outgoing.on("socket", (socket: Socket) => {
        connection = this.connections.get(socket);
        if (!connection) {
          this.opened += 1;
          connection = { id: this.opened, previous: undefined };
          this.connections.set(socket, connection);
        }
      });
      outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      outgoing.on("error", reject);
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * The request's headers with a Content-Length for its body. node:http frames a body itself only for methods it
 * expects one with (POST, PUT, PATCH): a GET, DELETE or OPTIONS body goes out bare, which HTTP/1.1 reads as no body
 * followed by the start of the next request, so the server rightly answers those bytes with a 400 and closes, and
 * that 400 reaches whichever request is on the connection then (RFC 9112 §6.3).
 */
function framed(request: FuzzRequest): FuzzRequest["headers"] {
  if (request.body === undefined) return request.headers;
  return { ...request.headers, "content-length": String(request.body.length) };
}

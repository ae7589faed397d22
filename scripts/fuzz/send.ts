import http from "node:http";
import type { FuzzResponse } from "./check.js";
import type { FuzzRequest } from "./request.js";

/**
 * Sends a generated request byte for byte with node:http (fetch would normalise the target, refuse repeated or odd
 * headers and reject some bodies), over kept-alive connections.
 */
export class Sender {
  private readonly agent: http.Agent;

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
      const outgoing = http.request(
        {
          host: this.host,
          port: this.port,
          method: request.method,
          path: request.path,
          headers: request.headers,
          agent: agent ?? false,
          timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const contentType = response.headers["content-type"];
            resolve({ status: response.statusCode ?? 0, contentType, body: Buffer.concat(chunks) });
          });
          response.on("error", reject);
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      outgoing.on("error", reject);
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * The real AWS SDK against a tiny node:http server on 127.0.0.1, so tests check
 * the protocol layer against what the SDK sends and how it parses answers,
 * not against our reading of the model.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { ApiResponse } from "../../src/serve/api/api-response.js";

// The SDK warns once that it will soon need Node 22; the warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SdkServer {
  client: LambdaClient;
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Answers every request with `answer(request)`; records what the SDK sent. */
export async function sdkServer(
  answer: (request: RecordedRequest) => ApiResponse = () => ({ status: 200, headers: {}, body: "{}" }),
): Promise<SdkServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      const response = answer(request);
      res.writeHead(response.status, response.headers);
      res.end(response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new LambdaClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
    maxAttempts: 1,
  });
  return {
    client,
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends a command and returns what it resolved or rejected with. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ output?: T; error?: Error & Record<string, unknown> }> {
  try {
    return { output: await promise };
  } catch (error) {
    return { error: error as Error & Record<string, unknown> };
  }
}

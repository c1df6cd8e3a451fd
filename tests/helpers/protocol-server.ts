/**
 * The protocol layer behind a node:http server, wired the simplest way
 * (route, read the body under its limit, parse the input), so tests can drive
 * it with the real SDK: refusals come back as the SDK parses them, accepted
 * inputs are recorded and answered with the operation's success status.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { readBody } from "../../src/serve/api/body.js";
import { problemResponse, unknownOperationResponse } from "../../src/serve/api/errors.js";
import { parseInput, type ApiInput } from "../../src/serve/api/inputs.js";
import { SUCCESS_STATUS } from "../../src/serve/api/operations.js";
import { matchRoute } from "../../src/serve/api/routes.js";
import type { ApiResponse } from "../../src/serve/api/api-response.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface ProtocolServer {
  client: LambdaClient;
  inputs: ApiInput[];
  url: string;
  close(): Promise<void>;
}

export async function protocolServer(): Promise<ProtocolServer> {
  const inputs: ApiInput[] = [];
  const server = createServer((req, res) => {
    const send = (response: ApiResponse): void => {
      res.writeHead(response.status, response.headers);
      res.end(response.body);
      req.resume(); // drain what an oversized request still sends
    };
    const url = req.url ?? "";
    const match = matchRoute(req.method ?? "", url);
    if (match === null) return send(unknownOperationResponse(req.method ?? "", url));
    void readBody(req, match.operation, req.headers).then((body) => {
      if (!body.ok) return send(problemResponse(body.problem));
      const input = parseInput(match, req.headers, body.value);
      if (!input.ok) return send(problemResponse(input.problem));
      inputs.push(input.value);
      const status = match.operation === "Invoke" ? 200 : SUCCESS_STATUS[match.operation];
      send({ status, headers: { "Content-Type": "application/json" }, body: status === 204 ? "" : "{}" });
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
    inputs,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A session that stops settles everything it holds: reads of the simulation
 * (ListFunctions, GetAccountSettings, DryRun) and calls waiting to enter it
 * are answered 500 ServiceException "The simulation has stopped", and the
 * server closes only once those answers are out.
 */
import {
  GetAccountSettingsCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  ServiceException,
} from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { settle } from "./helpers/lambda-sdk.js";
import { lambdaClient } from "./helpers/serve-cli.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { LambdaServer } from "../src/serve/http-server.js";
import { LambdaService } from "../src/serve/lambda-service.js";
import { servePlan } from "../src/serve/serve-plan.js";
import { ServeSession, SessionStoppedError } from "../src/serve/session.js";

const SCENARIO = "name: stop\nduration: 1m\n";

/** A session whose run never starts: everything it takes waits until it stops. */
function idleSession(): ServeSession {
  return new ServeSession(servePlan(loadScenarioText(SCENARIO, "stop.yaml"), 4, ["nodejs20.x"]), 60);
}

describe("serve: stopping the session", () => {
  it("rejects a pending read with SessionStoppedError and refuses the ones after", async () => {
    const session = idleSession();
    const pending = session.inspect(() => 1);
    session.stop();
    await expect(pending).rejects.toBeInstanceOf(SessionStoppedError);
    await expect(session.inspect(() => 1)).rejects.toThrow("The simulation has stopped");
    expect((await session.submit({ operation: "GetFunction", functionName: "f" })).refusal).toBe("stopped");
  });

  it("answers every waiting request 500 ServiceException, then closes", async () => {
    const session = idleSession();
    const server = await LambdaServer.listen(new LambdaService(session, Date.now()), "127.0.0.1", 0);
    const lambda = lambdaClient(server.url, { maxAttempts: 1 });
    try {
      const waiting = [
        settle(lambda.send(new ListFunctionsCommand({}))),
        settle(lambda.send(new GetAccountSettingsCommand({}))),
        settle(lambda.send(new GetFunctionCommand({ FunctionName: "api" }))),
      ];
      // Let the requests reach the session, then stop and close at once, as serve-command does.
      await new Promise((resolve) => setTimeout(resolve, 200));
      session.stop();
      await server.close();
      for (const answer of await Promise.all(waiting)) {
        expect(answer.error).toBeInstanceOf(ServiceException);
        const e = answer.error as unknown as ServiceException;
        expect(e.$metadata.httpStatusCode).toBe(500);
        expect(e.message).toBe("The simulation has stopped");
      }
    } finally {
      lambda.destroy();
    }
  });
});

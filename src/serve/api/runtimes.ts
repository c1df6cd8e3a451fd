/**
 * Runtime identifiers. RUNTIMES is the model's enum (the SDK's `Runtime`):
 * anything else is a ValidationException. Of those, Lambda refuses to create
 * or update functions on the deprecated ones with an InvalidParameterValueException
 * naming a newer runtime. DEPRECATED_RUNTIMES lists those whose "block
 * function create" date had passed by 2025; edit it as AWS's deprecation
 * calendar moves.
 */

export const RUNTIMES = [
  "nodejs",
  "nodejs4.3",
  "nodejs6.10",
  "nodejs8.10",
  "nodejs10.x",
  "nodejs12.x",
  "nodejs14.x",
  "nodejs16.x",
  "nodejs18.x",
  "nodejs20.x",
  "nodejs22.x",
  "nodejs24.x",
  "nodejs26.x",
  "java8",
  "java8.al2",
  "java8.al2023",
  "java11",
  "java11.al2023",
  "java17",
  "java17.al2023",
  "java21",
  "java25",
  "python2.7",
  "python3.6",
  "python3.7",
  "python3.8",
  "python3.9",
  "python3.10",
  "python3.11",
  "python3.12",
  "python3.13",
  "python3.14",
  "python3.15",
  "dotnetcore1.0",
  "dotnetcore2.0",
  "dotnetcore2.1",
  "dotnetcore3.1",
  "dotnet6",
  "dotnet8",
  "dotnet10",
  "nodejs4.3-edge",
  "go1.x",
  "ruby2.5",
  "ruby2.7",
  "ruby3.2",
  "ruby3.3",
  "ruby3.4",
  "ruby4.0",
  "provided",
  "provided.al2",
  "provided.al2023",
  "custom",
] as const;

/** Deprecated runtime → the runtime Lambda's message recommends instead. */
export const DEPRECATED_RUNTIMES: Readonly<Record<string, string>> = {
  nodejs: "nodejs22.x",
  "nodejs4.3": "nodejs22.x",
  "nodejs4.3-edge": "nodejs22.x",
  "nodejs6.10": "nodejs22.x",
  "nodejs8.10": "nodejs22.x",
  "nodejs10.x": "nodejs22.x",
  "nodejs12.x": "nodejs22.x",
  "nodejs14.x": "nodejs22.x",
  "nodejs16.x": "nodejs22.x",
  java8: "java21",
  "python2.7": "python3.13",
  "python3.6": "python3.13",
  "python3.7": "python3.13",
  "python3.8": "python3.13",
  "dotnetcore1.0": "dotnet8",
  "dotnetcore2.0": "dotnet8",
  "dotnetcore2.1": "dotnet8",
  "dotnetcore3.1": "dotnet8",
  dotnet6: "dotnet8",
  "go1.x": "provided.al2023",
  "ruby2.5": "ruby3.3",
  "ruby2.7": "ruby3.3",
  provided: "provided.al2023",
};

/** Lambda's refusal of a deprecated runtime, or undefined for a runtime it still takes. */
export function deprecatedRuntimeMessage(runtime: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(DEPRECATED_RUNTIMES, runtime)) return undefined;
  return (
    `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. ` +
    `We recommend you use the new runtime (${DEPRECATED_RUNTIMES[runtime]}) while creating or updating functions.`
  );
}

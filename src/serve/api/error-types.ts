/**
 * Every error the endpoint can answer: its HTTP status, whether the caller or
 * the service is at fault, and how its body spells the message member. Lambda's
 * own errors follow the SDK's model (`httpError`, `error`, and `message` or
 * `Message`, which differs per error); the statuses the simulator's model
 * already knows come from API_ERROR_HTTP_STATUS. The front-end errors (not in
 * Lambda's model: ValidationException, UnknownOperationException, the
 * signature errors, RequestEntityTooLargeException) carry only `message`.
 */
import { API_ERROR_HTTP_STATUS, API_ERROR_NAMES, ApiError } from "../../model/aws-names.js";

interface ErrorSpec {
  readonly status: number;
  /** "Service" for the server-fault errors of the model, "User" otherwise; absent for front-end errors. */
  readonly fault: "User" | "Service" | null;
  readonly messageKey: "message" | "Message";
}

const modelStatus = (code: number): number => API_ERROR_HTTP_STATUS[code];

const user = (status: number, messageKey: "message" | "Message"): ErrorSpec => ({
  status,
  fault: "User",
  messageKey,
});
const service = (status: number, messageKey: "message" | "Message"): ErrorSpec => ({
  status,
  fault: "Service",
  messageKey,
});
const frontEnd = (status: number, messageKey: "message" | "Message" = "message"): ErrorSpec => ({
  status,
  fault: null,
  messageKey,
});

export const ERROR_SPECS = {
  // The errors the simulation model produces (src/model/aws-names.ts).
  ResourceConflictException: user(modelStatus(ApiError.ResourceConflictException), "message"),
  ResourceNotReadyException: service(modelStatus(ApiError.ResourceNotReadyException), "message"),
  ResourceNotFoundException: user(modelStatus(ApiError.ResourceNotFoundException), "Message"),
  TooManyRequestsException: user(modelStatus(ApiError.TooManyRequestsException), "message"),
  // IAM refuses before Lambda reads the request: `{"Message":"User: ... is not authorized ..."}`.
  AccessDeniedException: frontEnd(modelStatus(ApiError.AccessDeniedException), "Message"),
  KMSDisabledException: service(modelStatus(ApiError.KMSDisabledException), "Message"),
  EFSMountFailureException: user(modelStatus(ApiError.EFSMountFailureException), "Message"),
  EFSMountConnectivityException: user(modelStatus(ApiError.EFSMountConnectivityException), "Message"),
  EFSMountTimeoutException: user(modelStatus(ApiError.EFSMountTimeoutException), "Message"),
  EFSIOException: user(modelStatus(ApiError.EFSIOException), "Message"),
  InvalidParameterValueException: user(modelStatus(ApiError.InvalidParameterValueException), "message"),
  RecursiveInvocationException: user(modelStatus(ApiError.RecursiveInvocationException), "Message"),
  ServiceException: service(modelStatus(ApiError.ServiceException), "Message"),
  // Lambda's errors the API layer adds (statuses from the SDK's model).
  InvalidRequestContentException: user(400, "message"),
  RequestTooLargeException: user(413, "message"),
  ResourceInUseException: user(400, "Message"),
  PreconditionFailedException: user(412, "message"),
  ProvisionedConcurrencyConfigNotFoundException: user(404, "message"),
  UnsupportedMediaTypeException: user(415, "message"),
  CodeStorageExceededException: user(400, "message"),
  EC2ThrottledException: service(502, "Message"),
  ENILimitReachedException: service(502, "Message"),
  SubnetIPAddressLimitReachedException: service(502, "Message"),
  InvalidSubnetIDException: service(502, "Message"),
  InvalidSecurityGroupIDException: service(502, "Message"),
  // The front end's errors, before Lambda reads the request.
  ValidationException: frontEnd(400),
  RequestEntityTooLargeException: frontEnd(413),
  UnknownOperationException: frontEnd(404),
  MissingAuthenticationTokenException: frontEnd(403),
  IncompleteSignatureException: frontEnd(400),
  InvalidSignatureException: frontEnd(403),
} as const satisfies Record<string, ErrorSpec>;

export type ApiErrorType = keyof typeof ERROR_SPECS;

/** The model's error names that are real AWS errors, all of which have a spec here. */
export const MODEL_ERROR_TYPES = API_ERROR_NAMES.filter(
  (name): name is Extract<(typeof API_ERROR_NAMES)[number], ApiErrorType> => name in ERROR_SPECS,
);

/**
 * An error answered to the client in the AWS JSON protocols' shape:
 * status code + body `{"__type": code, "message": ...}` (SQS also wants the `x-amzn-query-error` header,
 * written by the server from `queryErrorCode`).
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    /** SQS JSON protocol: legacy query error code, e.g. `AWS.SimpleQueueService.NonExistentQueue`. */
    readonly queryErrorCode?: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const validationError = (message: string) => new AwsError('ValidationException', message);

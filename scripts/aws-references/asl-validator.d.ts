/** asl-validator 4 ships no types: its CommonJS export, as its README documents it. */
declare module 'asl-validator' {
  interface ValidationError {
    'Error code': string;
    Message: string;
  }
  function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): { isValid: boolean; errors: ValidationError[]; errorsText(separator?: string): string };
  export = aslValidator;
}

/** Errors of the Wan VAE runtime: sentences a user can read, naming the file / tensor involved. */
export class VaeError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'VaeError';
  }
}

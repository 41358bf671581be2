/** What the relay and the publisher log through: `console` and a NestJS `Logger` both fit. */
export type MessagingLogger = {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

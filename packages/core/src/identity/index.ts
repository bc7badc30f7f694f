export * from "./users.ts";
export * from "./otp.ts";
export * from "./session-token.ts";
export * from "./access.ts";
export * from "./revocation.ts";

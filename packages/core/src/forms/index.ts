export * from "./model.ts";
export * from "./validate.ts";
export * from "./mask.ts";
export * from "./personal.ts";
export * from "./text.ts";

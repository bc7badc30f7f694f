export * from "./scoring.ts";

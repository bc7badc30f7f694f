import { startPlatform } from "@jinguo/local";
const p = await startPlatform({ port: 3100, inMemory: true, quiet: false });
console.log("READY", p.url);

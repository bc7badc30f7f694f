import { describe, it, expect } from "vitest";
import { browserUrl, DEFAULT_HOST, exposureWarning, isLoopback } from "../src/host.ts";

describe("HOST", () => {
  it("defaults to this machine only", () => {
    expect(DEFAULT_HOST).toBe("127.0.0.1");
    expect(exposureWarning(DEFAULT_HOST)).toBeUndefined();
  });

  it("tells loopback from the rest", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopback(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "fe80::1", "128.0.0.1", "my-laptop.local", "127.0.0.1.example.com"]) {
      expect(isLoopback(host), host).toBe(false);
    }
  });

  it("warns in Chinese and English when the server is reachable from the network", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.20"]) {
      const warning = exposureWarning(host)!;
      expect(warning, host).toContain(`HOST=${host}`);
      expect(warning).toContain("同一网络里的任何人");
      expect(warning).toContain("/api/dev/outbox");
      expect(warning).toContain("Anyone on the");
      expect(warning).toContain("leave HOST");
    }
  });

  it("gives the address to open", () => {
    expect(browserUrl("127.0.0.1", 3000)).toBe("http://localhost:3000");
    expect(browserUrl("0.0.0.0", 3000)).toBe("http://localhost:3000");
    expect(browserUrl("127.0.0.2", 3000)).toBe("http://127.0.0.2:3000");
    expect(browserUrl("192.168.1.20", 3000)).toBe("http://192.168.1.20:3000");
    expect(browserUrl("fe80::1", 3000)).toBe("http://[fe80::1]:3000");
  });
});

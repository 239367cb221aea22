export * from "./grant";
export * from "./last-used-recorder";
export * from "./login";
export * from "./login-throttle";
export * from "./verification-cache";
export * from "./verifier";

export * from "./grant";
export * from "./last-used-recorder";
export * from "./login-throttle";
export * from "./message-intake";
export * from "./verification-cache";
export * from "./verifier";

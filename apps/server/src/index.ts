export { type Config, loadConfig } from "./config";
export { type RelayPostServer, startServer } from "./server";
export { threadpoolSize } from "./threadpool";

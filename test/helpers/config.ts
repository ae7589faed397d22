import { type ConfigError, loadConfig } from "../../src/config.js";

/** What loadConfig refuses in `env`, one line per problem as an operator reads them; empty when it loads. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.slice();
  }
}

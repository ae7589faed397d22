import { Errors } from "../errors.js";
import { AmountError, type Decimal, parseAmount, toKiboAmount } from "./index.js";

/** How a face refuses a bad amount: Kibo's 400 by default; Magento faces pass their own fault. */
export type AmountRefusal = (parameter: string, message: string) => Error;

const invalidParameter: AmountRefusal = (parameter, message) => Errors.invalidParameter(message, { parameter });

/** Reads a request amount (see parseAmount); a malformed one is refused naming its parameter. */
export function readAmountParameter(parameter: string, value: number | string, refuse = invalidParameter): Decimal {
  try {
    return parseAmount(value);
  } catch (error) {
    if (error instanceof AmountError) throw refuse(parameter, `${parameter}: ${error.message}`);
    throw error;
  }
}

/** An amount (or a balance it leads to) must be one Tally can answer as an exact JSON number. */
export function reportableAmount(parameter: string, amount: Decimal, refuse = invalidParameter): Decimal {
  try {
    toKiboAmount(amount);
    return amount;
  } catch (error) {
    if (error instanceof AmountError) throw refuse(parameter, `${parameter}: ${error.message}`);
    throw error;
  }
}

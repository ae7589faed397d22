import { Decimal } from "decimal.js";
import { en, Faker } from "@faker-js/faker";

/** Credit code characters: no 0/O, 1/I/L, so a code read aloud or typed from a card is not misread. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

const DAY_MS = 86_400_000;

/** A seeded random source: the same seed and the same sequence of calls give the same data. */
export interface Random {
  /** Seeded faker for names, addresses and text; never ask it for dates (they depend on the clock). */
  readonly faker: Faker;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a value with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  /** `count` distinct items of `items` (all of them when count is larger), in random order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** `length` characters of CODE_ALPHABET. */
  code(length: number): string;
  /** A string of `length` decimal digits not starting with 0. */
  digits(length: number): string;
  /** A whole number of cents in [minCents, maxCents], rounded to a multiple of `step`. */
  cents(minCents: number, maxCents: number, step?: number): number;
  /** A moment in [from, to]; whole seconds, so dates print the same on every database. */
  dateBetween(from: Date, to: Date): Date;
}

/** Creates a deterministic random source from `seed`. */
export function createRandom(seed: number): Random {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const int = (min: number, max: number): number => faker.number.int({ min, max });
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[int(0, items.length - 1)] as T;
  };
  return {
    faker,
    int,
    chance: (p) => faker.number.float({ min: 0, max: 1 }) < p,
    pick,
    weighted<T>(choices: readonly (readonly [T, number])[]): T {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = faker.number.float({ min: 0, max: total });
      for (const [value, weight] of choices) {
        roll -= weight;
        if (roll <= 0) return value;
      }
      const last = choices[choices.length - 1];
      if (!last) throw new RangeError("weighted choice from an empty list");
      return last[0];
    },
    sample<T>(items: readonly T[], count: number): T[] {
      return faker.helpers.shuffle([...items]).slice(0, count);
    },
    code: (length) => Array.from({ length }, () => pick([...CODE_ALPHABET])).join(""),
    digits: (length) => String(int(1, 9)) + Array.from({ length: length - 1 }, () => String(int(0, 9))).join(""),
    cents(minCents, maxCents, step = 1) {
      const steps = int(Math.ceil(minCents / step), Math.floor(maxCents / step));
      return steps * step;
    },
    dateBetween(from, to) {
      const seconds = int(Math.ceil(from.getTime() / 1000), Math.floor(to.getTime() / 1000));
      return new Date(seconds * 1000);
    },
  };
}

/** Formats integer cents as a decimal string with two places (1250 → "12.50", -5 → "-0.05"). */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  return new Decimal(cents).div(100).toFixed(2);
}

/** `cents × numerator / denominator`, rounded half-up to whole cents, without binary floating point. */
export function scaleCents(cents: number, numerator: number, denominator: number): number {
  return new Decimal(cents).mul(numerator).div(denominator).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

/** `date` moved by a number of days (negative: earlier). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** Midnight UTC of the day `now` falls on: the demo's dates are relative to it, so one day's seeds agree. */
export function startOfUtcDay(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

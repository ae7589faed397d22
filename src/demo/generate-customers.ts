import type { Prisma } from "../generated/prisma/client.js";
import type { IdSequence } from "./bulk.js";
import type { DemoTenant } from "./demo-tenants.js";
import { GREAT_WIDGETS_TENANT_ID } from "./demo-tenants.js";
import { JANE_DOE } from "../examples/index.js";
import { addDays, type Random } from "./random.js";

/** A customers row with the fields later generators read made required. */
export type CustomerRow = Prisma.CustomerCreateManyInput & {
  id: number;
  customerId: number;
  email: string;
  createdAt: Date;
};

const NOTES = [
  "Prefers email over phone",
  "VIP since the spring sale",
  "Buys gifts every December",
  "Allergic to glitter",
  "Asked for paperless receipts",
  "Collects limited editions",
  "Referred by a friend",
  "Wholesale enquiry pending",
];

/**
 * Generates a tenant's customers with customerIds 1..count and every loyalty profile field filled.
 * Great Widgets' customer 1 is the loyalty report's Jane Doe.
 */
export function generateCustomers(
  random: Random,
  tenant: DemoTenant,
  count: number,
  anchor: Date,
  ids: IdSequence,
): CustomerRow[] {
  const rows: CustomerRow[] = [];
  for (let customerId = 1; customerId <= count; customerId += 1) {
    if (tenant.id === GREAT_WIDGETS_TENANT_ID && customerId === JANE_DOE.customerId) {
      rows.push({ id: ids.take(), tenantId: tenant.id, ...JANE_DOE });
      continue;
    }
    rows.push(generateCustomer(random, tenant, customerId, anchor, ids.take()));
  }
  return rows;
}

function generateCustomer(random: Random, tenant: DemoTenant, customerId: number, anchor: Date, id: number): CustomerRow {
  const { faker } = random;
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const handle = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, "");
  const createdAt = random.dateBetween(addDays(anchor, -3 * 365), addDays(anchor, -2));
  return {
    id,
    tenantId: tenant.id,
    customerId,
    // Eight digits like the example's card, offset per tenant so two tenants' cards never look alike.
    cardNumber: String((tenant.id === GREAT_WIDGETS_TENANT_ID ? 20_000_000 : 30_000_000) + customerId),
    code: random.digits(18),
    firstName,
    lastName,
    email: `${handle}.${customerId}@example.com`,
    phone: faker.phone.number({ style: "national" }),
    address1: faker.location.streetAddress(),
    address2: random.chance(0.3) ? faker.location.secondaryAddress() : null,
    city: faker.location.city(),
    state: faker.location.state({ abbreviated: true }),
    zip: faker.location.zipCode("#####"),
    country: random.weighted(tenant.countries),
    custom1: random.pick(NOTES),
    customDate: new Date(Date.UTC(random.int(1945, 2005), random.int(0, 11), random.int(1, 28))),
    username: `${handle.replace(".", "_")}${customerId}`,
    createdAt,
    updatedAt: random.dateBetween(createdAt, addDays(anchor, -1)),
  };
}

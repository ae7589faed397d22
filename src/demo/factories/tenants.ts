import type { Customer, Prisma, Store, Tenant, Website } from "../../generated/prisma/client.js";
import { type Db, nextUnique, random } from "./unique.js";

export type TenantOverrides = Partial<Prisma.TenantCreateManyInput>;

/** Creates a tenant with a unique id (≥ 1,000,000) and domain. */
export function createTenant(db: Db, overrides: TenantOverrides = {}): Promise<Tenant> {
  const id = overrides.id ?? nextUnique();
  return db.tenant.create({
    data: { id, name: random.faker.company.name(), domain: `t${id}.tally.localhost`, ...overrides },
  });
}

/** `websiteId` is the Magento website id; a new tenant is created unless `tenantId` is given. */
export type WebsiteOverrides = Partial<Prisma.WebsiteCreateManyInput>;

/** Creates a USD website with unique Magento website id and Kibo site id. */
export async function createWebsite(db: Db, overrides: WebsiteOverrides = {}): Promise<Website> {
  const tenantId = overrides.tenantId ?? (await createTenant(db)).id;
  const n = nextUnique();
  return db.website.create({
    data: {
      tenantId,
      websiteId: n,
      siteId: n,
      code: `web${n}`,
      name: `${random.faker.company.name()} Store`,
      baseCurrencyCode: "USD",
      ...overrides,
    },
  });
}

/** `websiteId` is the websites row id (website_ref); without it a website (and, without `tenantId`, a tenant) is created. */
export type StoreOverrides = Partial<Prisma.StoreCreateManyInput>;

/** Creates a store with a unique Magento store id and an 8-digit increment prefix. */
export async function createStore(db: Db, overrides: StoreOverrides = {}): Promise<Store> {
  const website =
    overrides.websiteId === undefined
      ? await createWebsite(db, overrides.tenantId === undefined ? {} : { tenantId: overrides.tenantId })
      : await db.website.findUniqueOrThrow({ where: { id: overrides.websiteId } });
  const n = nextUnique();
  return db.store.create({
    data: {
      tenantId: website.tenantId,
      websiteId: website.id,
      storeId: n,
      code: `store${n}`,
      // Unique per process like the ids, and short enough for the column.
      incrementPrefix: String(10_000_000 + (n % 90_000_000)),
      ...overrides,
    },
  });
}

export type CustomerOverrides = Partial<Prisma.CustomerCreateManyInput>;

/** Creates a customer with a unique customerId and every loyalty profile field filled. */
export async function createCustomer(db: Db, overrides: CustomerOverrides = {}): Promise<Customer> {
  const tenantId = overrides.tenantId ?? (await createTenant(db)).id;
  const n = nextUnique();
  const { faker } = random;
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  return db.customer.create({
    data: {
      tenantId,
      customerId: n,
      cardNumber: String(n),
      code: random.digits(18),
      firstName,
      lastName,
      email: `customer${n}@example.com`,
      phone: "555-0100",
      address1: faker.location.streetAddress(),
      address2: null,
      city: faker.location.city(),
      state: faker.location.state({ abbreviated: true }),
      zip: faker.location.zipCode("#####"),
      country: "US",
      custom1: "Created by a test factory",
      customDate: new Date(Date.UTC(1980, 0, 1)),
      username: `customer${n}`,
      ...overrides,
    },
  });
}
